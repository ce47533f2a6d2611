package io.syncd.gateway.stream;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the change streams need of the web server. */
@Configuration(proxyBeanMethods = false)
class StreamWebServer {

    /**
     * Tomcat's channel pool off: a stream's socket gets small buffers ({@link SocketBuffers}), and a pooled channel would
     * hand them to the next connection, whose requests would then be read and written a few bytes at a time. Without
     * the pool each connection allocates its 16 KB of buffers anew, once per connection (not per request).
     */
    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> noChannelPool() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setProperty("socket.bufferPool", "0"));
    }
}
