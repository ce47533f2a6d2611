package io.syncd.edge.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import io.syncd.common.ContentCoding;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.errors.Problems;

/**
 * Decodes compressed request bodies ({@code Content-Encoding: zstd} or {@code gzip}) and enforces the body limit on
 * the decoded bytes, so neither a large body nor a small bomb gets past it: over the limit is 413, an unknown
 * encoding 415, bytes that are not the named encoding 400.
 */
public final class RequestBodyFilter extends OncePerRequestFilter {
    private final long maxBytes;
    private final long maxOpenBytes;
    private final Set<String> openPaths;
    private final String unlimitedPrefix;

    /**
     * @param maxOpenBytes    the limit of requests to {@code openPaths}, the calls anyone may make without a token
     * @param unlimitedPrefix requests under this path are decoded but not limited
     */
    public RequestBodyFilter(long maxBytes, long maxOpenBytes, Set<String> openPaths, String unlimitedPrefix) {
        this.maxBytes = maxBytes;
        this.maxOpenBytes = maxOpenBytes;
        this.openPaths = Set.copyOf(openPaths);
        this.unlimitedPrefix = unlimitedPrefix;
    }

    private long limitOf(HttpServletRequest request) {
        // The container's decoded, normalized path without ;parameters: what routing matches, however it was spelled.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.startsWith(unlimitedPrefix)) {
            return Long.MAX_VALUE;
        }
        return openPaths.contains(path) ? maxOpenBytes : maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (!ContentCoding.supported(encoding)) {
            Problems.write(response, ApiException.unsupportedEncoding(encoding));
            return;
        }
        ContentCoding coding = ContentCoding.named(encoding).orElse(null);
        long maxBytes = limitOf(request);
        if (coding == null && request.getContentLengthLong() > maxBytes) {
            Problems.write(response, tooLarge(maxBytes));
            return;
        }
        LimitedRequest limited = new LimitedRequest(request, coding, maxBytes);
        try {
            chain.doFilter(limited, response);
        } catch (ServletException | RuntimeException e) {
            ApiException cause = causeOf(e);
            if (cause == null || response.isCommitted()) {
                throw e;
            }
            response.resetBuffer();
            Problems.write(response, cause);
        } finally {
            limited.closeDecoder();
        }
    }

    private ApiException tooLarge(long maxBytes) {
        return ApiException.tooLarge("request body is over the limit of " + maxBytes + " bytes");
    }

    private static ApiException causeOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }

    /** The request with its body decoded and counted. */
    private final class LimitedRequest extends HttpServletRequestWrapper {
        private final ContentCoding coding;
        private final long limit;
        private ServletInputStream stream;

        /** @param coding the body's encoding, null when it is sent as is */
        LimitedRequest(HttpServletRequest request, ContentCoding coding, long limit) {
            super(request);
            this.coding = coding;
            this.limit = limit;
        }

        /** After decoding, the body's encoding and length are no longer the ones the client sent. */
        private boolean hidden(String name) {
            return coding != null && (HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name)
                    || HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name));
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return hidden(name) ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            java.util.List<String> names = java.util.Collections.list(super.getHeaderNames());
            names.removeIf(this::hidden);
            return java.util.Collections.enumeration(names);
        }

        @Override
        public long getContentLengthLong() {
            return coding != null ? -1 : super.getContentLengthLong();
        }

        @Override
        public int getContentLength() {
            return coding != null ? -1 : super.getContentLength();
        }

        /** Frees the decoder, however much of the body was read; the container closes the connection's stream. */
        void closeDecoder() throws IOException {
            if (stream != null && coding != null) {
                stream.close();
            }
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                InputStream raw = super.getInputStream();
                InputStream decoded;
                try {
                    decoded = coding == null ? raw : coding.decoder(raw);
                } catch (ContentCoding.MalformedBodyException e) {
                    throw ApiException.invalid("", e.getMessage());
                }
                stream = new CountingStream(decoded, limit);
            }
            return stream;
        }
    }

    private final class CountingStream extends ServletInputStream {
        private final InputStream in;
        private final long limit;
        private long count;
        private boolean finished;

        CountingStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = decode(() -> in.read());
            if (b < 0) {
                finished = true;
            } else {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = decode(() -> in.read(buffer, offset, length));
            if (n < 0) {
                finished = true;
            } else {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit) {
                throw tooLarge(limit);
            }
        }

        private int decode(IoRead read) throws IOException {
            try {
                return read.read();
            } catch (ContentCoding.MalformedBodyException e) {
                throw ApiException.invalid("", e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("request bodies are read blocking");
        }
    }

    @FunctionalInterface
    private interface IoRead {
        int read() throws IOException;
    }
}
