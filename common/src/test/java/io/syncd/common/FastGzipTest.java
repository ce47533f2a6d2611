package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/** The gzip every side of the sync writes: any gzip reader decodes it, and it is deflate's fastest level. */
class FastGzipTest {
    /** Pen-path-like JSON: the data whose compression level matters. */
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
    void whatItWritesAnyGzipReaderDecodesAsItWasAtTheFastestLevel() throws IOException {
        byte[] data = strokes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = FastGzip.onto(out, 4096)) {
            gzip.write(data, 0, data.length / 3);
            gzip.write(data, data.length / 3, data.length - data.length / 3);
        }

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        // Level 1's size, give or take how the input was fed; the default level's is well below it on this data.
        int fastest = gzip(data, Deflater.BEST_SPEED).length;
        assertThat(out.size()).isBetween(fastest * 99 / 100, fastest * 101 / 100)
                .isGreaterThan(gzip(data, Deflater.DEFAULT_COMPRESSION).length * 105 / 100);
    }
}
