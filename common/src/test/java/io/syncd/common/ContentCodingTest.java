package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/** The body encodings: each decodes what it encodes, gzip is readable by any gzip reader, and negotiation is HTTP's. */
class ContentCodingTest {
    /** Pen-path-like JSON: the data whose compression matters. */
    private static byte[] strokes() {
        Random random = new Random(7);
        StringBuilder json = new StringBuilder("[");
        int x = 400;
        int y = 600;
        for (int p = 0; p < 20_000; p++) {
            x += random.nextInt(9) - 4;
            y += random.nextInt(9) - 4;
            json.append(p == 0 ? "" : ",").append('[').append(x).append(',').append(y).append(',')
                    .append(40 + random.nextInt(20)).append(',').append(p * 9).append(']');
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes, int level) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(level);
            }
        }) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void eachEncodingDecodesWhatItEncodedFedInPieces() throws IOException {
        byte[] data = strokes();
        for (ContentCoding coding : ContentCoding.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream encoder = coding.encoder(out)) {
                encoder.write(data, 0, data.length / 3);
                encoder.write(data, data.length / 3, data.length - data.length / 3);
            }
            assertThat(out.size()).as(coding.token()).isLessThan(data.length / 2);
            assertThat(coding.decode(out.toByteArray())).as(coding.token()).isEqualTo(data);
            assertThat(coding.decode(coding.encode(data))).as(coding.token()).isEqualTo(data);
        }
    }

    @Test
    void aLongBodyEncodedInTheBackgroundDecodesTheSame() throws IOException {
        byte[] piece = strokes();
        byte[] data = new byte[piece.length * 40]; // ~20 MB: many of the zstd worker's jobs
        for (int i = 0; i < 40; i++) {
            System.arraycopy(piece, 0, data, i * piece.length, piece.length);
            data[i * piece.length + 1] = (byte) ('0' + i % 10);
        }
        for (ContentCoding coding : ContentCoding.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream encoder = coding.encoder(out, true)) {
                for (int from = 0; from < data.length; from += 8192) {
                    encoder.write(data, from, Math.min(8192, data.length - from));
                }
            }
            assertThat(coding.decode(out.toByteArray())).as(coding.token()).isEqualTo(data);
        }
    }

    @Test
    void gzipIsAnyReadersGzipAtDeflatesFastestLevel() throws IOException {
        byte[] data = strokes();
        byte[] encoded = ContentCoding.GZIP.encode(data);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(encoded))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        int fastest = gzip(data, Deflater.BEST_SPEED).length;
        assertThat(encoded.length).isBetween(fastest * 99 / 100, fastest * 101 / 100)
                .isGreaterThan(gzip(data, Deflater.DEFAULT_COMPRESSION).length * 105 / 100);
    }

    @Test
    void zstdIsAStandardFrameAndSmallerThanFastGzip() {
        byte[] data = strokes();
        byte[] encoded = ContentCoding.ZSTD.encode(data);
        assertThat(Arrays.copyOf(encoded, 4)).as("the zstd frame magic number")
                .containsExactly(0x28, 0xB5, 0x2F, 0xFD);
        assertThat(encoded.length).isLessThan(ContentCoding.GZIP.encode(data).length);
    }

    @Test
    void bytesThatAreNotTheNamedEncodingFailAsMalformed() {
        byte[] json = "{\"changes\":[]}".getBytes(StandardCharsets.UTF_8);
        for (ContentCoding coding : ContentCoding.values()) {
            assertThatThrownBy(() -> coding.decode(json)).as(coding.token())
                    .isInstanceOf(ContentCoding.MalformedBodyException.class)
                    .hasMessage("body is not valid " + coding.token());
        }
        byte[] truncated = Arrays.copyOf(ContentCoding.ZSTD.encode(strokes()), 500);
        assertThatThrownBy(() -> ContentCoding.ZSTD.decode(truncated)).isInstanceOf(IOException.class);
    }

    @Test
    void theAnswerIsZstdWhenAcceptedElseGzipElseNone() {
        assertThat(ContentCoding.preferred(ContentCoding.ACCEPTED)).contains(ContentCoding.ZSTD);
        assertThat(ContentCoding.preferred("gzip, deflate, br, zstd")).contains(ContentCoding.ZSTD);
        assertThat(ContentCoding.preferred("gzip")).contains(ContentCoding.GZIP);
        assertThat(ContentCoding.preferred("GZIP;q=0.5, zstd;q=0")).contains(ContentCoding.GZIP);
        assertThat(ContentCoding.preferred("*")).contains(ContentCoding.GZIP);
        assertThat(ContentCoding.preferred("*, gzip;q=0")).isEmpty();
        assertThat(ContentCoding.preferred("br, deflate")).isEmpty();
        assertThat(ContentCoding.preferred("identity")).isEmpty();
        assertThat(ContentCoding.preferred(null)).isEmpty();
    }

    @Test
    void aContentEncodingHeaderNamesOneEncodingOrNone() {
        assertThat(ContentCoding.named("zstd")).contains(ContentCoding.ZSTD);
        assertThat(ContentCoding.named(" GZIP ")).contains(ContentCoding.GZIP);
        assertThat(ContentCoding.named("identity")).isEmpty();
        assertThat(ContentCoding.named(null)).isEmpty();
        assertThat(ContentCoding.named("br")).isEmpty();
        assertThat(ContentCoding.supported(null)).isTrue();
        assertThat(ContentCoding.supported("Identity")).isTrue();
        assertThat(ContentCoding.supported("zstd")).isTrue();
        assertThat(ContentCoding.supported("br")).isFalse();
    }

    @Test
    void aBodyIsDecodedByTheEncodingItsHeaderNamesAndLeftAsItIsOtherwise() throws IOException {
        byte[] data = strokes();
        assertThat(ContentCoding.decodeBody("zstd", ContentCoding.ZSTD.encode(data))).isEqualTo(data);
        assertThat(ContentCoding.decodeBody(null, data)).isSameAs(data);
        try (var in = ContentCoding.bodyDecoder("gzip", new ByteArrayInputStream(ContentCoding.GZIP.encode(data)))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }
}
