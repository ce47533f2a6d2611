package io.syncd.gateway.stats;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.web.filter.OncePerRequestFilter;

import io.syncd.common.TrafficEvent;
import io.syncd.gateway.auth.AuthenticatedDevice;

/**
 * Counts the bytes of each successful push, pull, full sync and resolution as they cross the wire (outside the
 * compression filters) and reports them, with the device, as a {@link TrafficEvent}. Reporting never fails nor delays
 * the request.
 */
public final class TrafficFilter extends OncePerRequestFilter {
    /** Pushes and pulls each endpoint counts as. */
    private static final Map<String, int[]> COUNTS = Map.of(
            "/api/sync/push", new int[] {1, 0},
            "/api/sync/pull", new int[] {0, 1},
            "/api/sync/full", new int[] {1, 1},
            "/api/sync/resolve-conflict", new int[] {1, 0});

    private final TrafficPublisher publisher;
    private final Clock clock;

    public TrafficFilter(TrafficPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !COUNTS.containsKey(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        CountingRequest countedRequest = new CountingRequest(request);
        CountingResponse countedResponse = new CountingResponse(response);
        chain.doFilter(countedRequest, countedResponse);
        countedResponse.flushWriter();
        if (response.getStatus() < 400 && request.getAttribute(AuthenticatedDevice.ATTRIBUTE) instanceof AuthenticatedDevice d) {
            int[] counts = COUNTS.get(request.getRequestURI());
            publisher.publish(new TrafficEvent(d.accountId(), d.deviceId(), counts[0], counts[1],
                    countedRequest.bytes, countedResponse.bytes, clock.instant()));
        }
    }

    /** The request, counting the body bytes read as they arrived. */
    private static final class CountingRequest extends HttpServletRequestWrapper {
        private ServletInputStream stream;
        private long bytes;

        CountingRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            bytes++;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = in.read(buffer, offset, length);
                        if (n > 0) {
                            bytes += n;
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }

    /** The response, counting the body bytes written. */
    private static final class CountingResponse extends HttpServletResponseWrapper {
        private ServletOutputStream stream;
        private PrintWriter writer;
        private long bytes;

        CountingResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream out = super.getOutputStream();
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        bytes++;
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) throws IOException {
                        out.write(buffer, offset, length);
                        bytes += length;
                    }

                    @Override
                    public void flush() throws IOException {
                        out.flush();
                    }

                    @Override
                    public boolean isReady() {
                        return out.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        out.setWriteListener(listener);
                    }
                };
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            flushWriter();
            super.flushBuffer();
        }

        void flushWriter() {
            if (writer != null) {
                writer.flush();
            }
        }
    }
}
