package io.syncd.common;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

/**
 * The body encodings ({@code Content-Encoding}) every side of the sync speaks, each at its fastest level. zstd comes
 * first: on handwriting strokes it compresses ~3x faster than deflate's fastest level, decodes ~3x faster and is ~10 %
 * smaller, which is most of an initial sync's CPU; gzip stays for clients without it.
 */
public enum ContentCoding {
    ZSTD("zstd") {
        // The finalizer-free streams with pooled buffers: zstd-jni's plain streams allocate 128 KB buffers and register
        // a finalizer per stream, which cost 400 µs to encode a 5 KB answer (35 µs this way). Their native contexts
        // are freed by close(), so every stream of this class must be closed.
        @Override
        public OutputStream encoder(OutputStream out, boolean background) throws IOException {
            ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE);
            zstd.setLevel(1);
            if (background) {
                zstd.setWorkers(1);
            }
            return zstd;
        }

        @Override
        InputStream rawDecoder(InputStream in) throws IOException {
            return new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
        }
    },
    GZIP("gzip") {
        @Override
        public OutputStream encoder(OutputStream out, boolean background) throws IOException {
            return new GZIPOutputStream(out, 64 * 1024) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
        }

        @Override
        InputStream rawDecoder(InputStream in) throws IOException {
            return new GZIPInputStream(in, 64 * 1024);
        }
    };

    /** What a client sends as {@code Accept-Encoding}: the encodings it decodes, best first. */
    public static final String ACCEPTED = "zstd, gzip";

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** The name in {@code Content-Encoding} and {@code Accept-Encoding}. */
    public String token() {
        return token;
    }

    /** A stream that encodes onto {@code out}, to be closed: that ends the encoding, frees the encoder, closes {@code out}. */
    public OutputStream encoder(OutputStream out) throws IOException {
        return encoder(out, false);
    }

    /**
     * {@link #encoder(OutputStream)}, with {@code background} for a long body whose writer has work of its own (a
     * pull page read from the database while it is written): zstd then compresses on a thread of its own, side by
     * side with the writer, instead of in its writes (an initial-sync page of notes spends ~40 % of the server's time
     * compressing). gzip has no such mode and ignores it.
     */
    public abstract OutputStream encoder(OutputStream out, boolean background) throws IOException;

    abstract InputStream rawDecoder(InputStream in) throws IOException;

    /**
     * A stream of the decoded bytes of {@code in}, to be closed (that frees the decoder, and closes {@code in}); bytes
     * that are not this encoding fail with {@link MalformedBodyException}.
     */
    public InputStream decoder(InputStream in) throws IOException {
        InputStream decoded;
        try {
            decoded = rawDecoder(in);
        } catch (ZipException | ZstdIOException e) {
            throw new MalformedBodyException(this, e);
        }
        return new FilterInputStream(decoded) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (ZipException | ZstdIOException e) {
                    throw new MalformedBodyException(ContentCoding.this, e);
                }
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                try {
                    return super.read(buffer, offset, length);
                } catch (ZipException | ZstdIOException e) {
                    throw new MalformedBodyException(ContentCoding.this, e);
                }
            }
        };
    }

    /** {@code bytes} encoded whole: a request body. */
    public byte[] encode(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (OutputStream encoder = encoder(out)) {
            encoder.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code bytes} decoded whole: a response body. */
    public byte[] decode(byte[] bytes) throws IOException {
        try (InputStream in = decoder(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    /** {@code bytes} decoded from the encoding a {@code Content-Encoding} header names; as they are for any other. */
    public static byte[] decodeBody(String contentEncoding, byte[] bytes) throws IOException {
        Optional<ContentCoding> coding = named(contentEncoding);
        return coding.isPresent() ? coding.get().decode(bytes) : bytes;
    }

    /** The decoded stream of {@code in} in the encoding a {@code Content-Encoding} header names; {@code in} for any other. */
    public static InputStream bodyDecoder(String contentEncoding, InputStream in) throws IOException {
        Optional<ContentCoding> coding = named(contentEncoding);
        return coding.isPresent() ? coding.get().decoder(in) : in;
    }

    /** Whether a request's {@code Content-Encoding} is one a server decodes: none, {@code identity}, zstd or gzip. */
    public static boolean supported(String contentEncoding) {
        return contentEncoding == null || contentEncoding.trim().equalsIgnoreCase("identity")
                || named(contentEncoding).isPresent();
    }

    /** The encoding of a {@code Content-Encoding} header; empty for none or {@code identity}, or when unknown. */
    public static Optional<ContentCoding> named(String header) {
        String name = header == null ? "identity" : header.trim().toLowerCase(Locale.ROOT);
        for (ContentCoding coding : values()) {
            if (coding.token.equals(name)) {
                return Optional.of(coding);
            }
        }
        return Optional.empty();
    }

    /**
     * The encoding to answer a request with {@code acceptEncoding} in: zstd, else gzip, whichever it accepts with a
     * weight above zero ({@code *} stands for gzip); empty when it accepts neither.
     */
    public static Optional<ContentCoding> preferred(String acceptEncoding) {
        if (acceptEncoding == null) {
            return Optional.empty();
        }
        Double zstd = null;
        Double gzip = null;
        Double any = null;
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.split(";");
            String name = pieces[0].trim().toLowerCase(Locale.ROOT);
            double weight = weight(pieces);
            switch (name) {
                case "zstd" -> zstd = weight;
                case "gzip", "x-gzip" -> gzip = weight;
                case "*" -> any = weight;
                default -> {
                }
            }
        }
        if (zstd != null && zstd > 0) {
            return Optional.of(ZSTD);
        }
        if (gzip != null ? gzip > 0 : any != null && any > 0) {
            return Optional.of(GZIP);
        }
        return Optional.empty();
    }

    private static double weight(String[] pieces) {
        for (int i = 1; i < pieces.length; i++) {
            String parameter = pieces[i].trim();
            if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    /** The body is not in the encoding its {@code Content-Encoding} names. */
    public static final class MalformedBodyException extends IOException {
        MalformedBodyException(ContentCoding coding, IOException cause) {
            super("body is not valid " + coding.token, cause);
        }
    }
}
