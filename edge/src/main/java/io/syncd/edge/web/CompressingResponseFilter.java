package io.syncd.edge.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import io.syncd.common.ContentCoding;

/**
 * Compresses responses over 1 KB for clients that accept it: zstd when they do, else gzip at deflate's fastest level
 * ({@link ContentCoding}). Handwriting strokes shrink 2.5–3x, and an initial-sync page of notes compresses in a
 * fraction of the time the default gzip level takes (which made the server, not the network, the limit of a sync).
 */
public final class CompressingResponseFilter extends OncePerRequestFilter {
    private static final int THRESHOLD = 1024;
    /** A request attribute: its response is long and made while written, so compress it in the background. */
    static final String LONG_RESPONSE = CompressingResponseFilter.class.getName() + ".long";

    private final Set<String> uncompressedPaths;

    /** @param uncompressedPaths request paths answered as written, never held back (an event stream) */
    public CompressingResponseFilter(Set<String> uncompressedPaths) {
        this.uncompressedPaths = Set.copyOf(uncompressedPaths);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return uncompressedPaths.contains(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        Optional<ContentCoding> coding = ContentCoding.preferred(request.getHeader(HttpHeaders.ACCEPT_ENCODING));
        if (coding.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        CompressedResponse compressed = new CompressedResponse(request, response, coding.get());
        try {
            chain.doFilter(request, compressed);
        } finally {
            if (request.isAsyncStarted()) {
                // The body is written later on another thread (a StreamingResponseBody: an account's export), after
                // this filter returned: held back here it would never be sent. It goes out as written.
                compressed.passThrough();
            } else {
                compressed.finish();
            }
        }
    }

    /** Holds back the first kilobyte; past it, switches to the encoding. */
    private static final class CompressedResponse extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final ContentCoding coding;
        private final byte[] head = new byte[THRESHOLD];
        private int headLength;
        private OutputStream encoder;
        // Set once the body is written after the filter returned (asynchronously): it is then sent uncompressed.
        private volatile boolean direct;
        private ServletOutputStream stream;
        private PrintWriter writer;

        CompressedResponse(HttpServletRequest request, HttpServletResponse response, ContentCoding coding) {
            super(response);
            this.request = request;
            this.response = response;
            this.coding = coding;
        }

        @Override
        public void setContentLength(int length) {
            // The length of what is written is not what goes out once compressed.
        }

        @Override
        public void setContentLengthLong(long length) {
        }

        @Override
        public void setHeader(String name, String value) {
            if (!HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                super.addHeader(name, value);
            }
        }

        @Override
        public ServletOutputStream getOutputStream() {
            if (stream == null) {
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        CompressedResponse.this.write(bytes, offset, length);
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        throw new UnsupportedOperationException("responses are written blocking");
                    }
                };
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (direct) {
                response.flushBuffer();
            }
        }

        private void write(byte[] bytes, int offset, int length) throws IOException {
            if (direct) {
                response.getOutputStream().write(bytes, offset, length);
                return;
            }
            if (encoder == null && headLength + length <= THRESHOLD) {
                System.arraycopy(bytes, offset, head, headLength, length);
                headLength += length;
                return;
            }
            if (encoder == null) {
                response.setHeader(HttpHeaders.CONTENT_ENCODING, coding.token());
                encoder = coding.encoder(response.getOutputStream(), request.getAttribute(LONG_RESPONSE) != null);
                encoder.write(head, 0, headLength);
            }
            encoder.write(bytes, offset, length);
        }

        /** From now on, writes go to the response as they are (unless compression had begun already). */
        void passThrough() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (encoder != null) {
                encoder.close();
                return;
            }
            if (headLength > 0) {
                response.getOutputStream().write(head, 0, headLength);
                headLength = 0;
            }
            direct = true;
        }

        void finish() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (encoder != null) {
                encoder.close();
            } else if (headLength > 0) {
                response.setContentLength(headLength);
                response.getOutputStream().write(head, 0, headLength);
            }
        }
    }
}
