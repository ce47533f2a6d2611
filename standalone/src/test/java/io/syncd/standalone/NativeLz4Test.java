package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

/**
 * Kafka's lz4 codec on the native library inside the Spring Boot jar. The jar's nested class loader is played by a
 * class loader of lz4-java's jar alone: under it, lz4-java picks its Java codec by itself.
 */
class NativeLz4Test {

    @Test
    void theNativeCodecIsPickedOnceLoaded() throws Exception {
        URL lz4Jar = Class.forName("net.jpountz.lz4.LZ4Factory").getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader nested = new URLClassLoader(new URL[] {lz4Jar}, ClassLoader.getPlatformClassLoader())) {
            assertThat(fastest(nested)).as("without the load").doesNotContain("JNI");

            assertThat(NativeLz4.load(nested)).as("why it did not load").isNull();

            assertThat(fastest(nested)).as("after the load").contains("JNI");
        }
    }

    private static String fastest(ClassLoader loader) throws Exception {
        return Class.forName("net.jpountz.lz4.LZ4Factory", true, loader).getMethod("fastestInstance").invoke(null)
                .toString();
    }
}
