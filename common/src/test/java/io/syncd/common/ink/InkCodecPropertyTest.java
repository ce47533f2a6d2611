package io.syncd.common.ink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * Properties of the ink encoding over thousands of seeded random samples ({@link RandomJson}): every JSON array
 * round-trips by value (through the tree and the text) and encodes canonically, stroke sets of every number style take
 * the compact form, and truncated, corrupted or random bytes decode to something or fail with
 * {@link InkFormatException}, never another exception. A failure names its sample's seed; {@code -Dink.seed=N} makes
 * sample N the first of every test.
 */
class InkCodecPropertyTest {
    private static final long FIRST_SEED = Long.getLong("ink.seed", 20261207L);

    /** One check of one sample, drawn from its own generator. */
    @FunctionalInterface
    private interface Check {
        void run(RandomJson random) throws Exception;
    }

    /** Runs {@code check} on {@code samples} generators seeded FIRST_SEED, FIRST_SEED + 1, …, naming a failure's seed. */
    private static void forEachSample(int samples, Check check) {
        for (int i = 0; i < samples; i++) {
            long seed = FIRST_SEED + i;
            try {
                check.run(new RandomJson(new Random(seed)));
            } catch (Throwable e) {
                throw new AssertionError("sample seed " + seed + " (run it first with -Dink.seed=" + seed + "): " + e, e);
            }
        }
    }

    // --- round trips ---

    @Test
    void anyJsonArrayRoundTripsByValue() {
        forEachSample(3000, random -> assertRoundTrip(random.array()));
    }

    @Test
    void strokeSetsRoundTripByValueInTheCompactForm() {
        forEachSample(3000, random -> {
            RandomJson.Strokes strokes = random.strokes(6, 30);
            byte[] ink = assertRoundTrip(strokes.json());

            if (strokes.style() != RandomJson.Style.FULL_PRECISION) {
                assertThat(ink[1]).as("the stroke set form of %s", strokes.json()).isEqualTo((byte) InkFormat.STROKES);
            }
        });
    }

    /** Encodes {@code json} from its text and from its tree, decodes both ways, and checks every result's value. */
    private static byte[] assertRoundTrip(String json) throws InkFormatException {
        JsonNode original = JsonValues.parse(json);
        byte[] ink = InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8));

        assertThat(JsonValues.sameValue(InkCodec.decode(ink), original)).as("the decoded tree of %s", json).isTrue();
        byte[] text = InkCodec.decodeToJson(ink);
        assertThat(JsonValues.sameValue(JsonValues.parse(text), original)).as("the decoded text of %s", json).isTrue();
        assertThat(InkCodec.encode(original)).as("the encoding of the tree of %s", json).isEqualTo(ink);
        assertThat(InkCodec.encode(InkCodec.decode(ink))).as("the encoding of %s is canonical", json).isEqualTo(ink);
        assertThat(InkCodec.fromBase64(InkCodec.toBase64(ink))).isEqualTo(ink);
        return ink;
    }

    // --- malformed input ---

    @Test
    void everyTruncationIsRefused() {
        forEachSample(500, random -> {
            byte[] ink = encode(random.anyStrokesValue(3, 8));
            for (int length = 0; length < ink.length; length++) {
                byte[] prefix = Arrays.copyOf(ink, length);
                assertThat(catchThrowable(() -> InkCodec.decode(prefix))).as("the first %d bytes", length)
                        .isInstanceOf(InkFormatException.class);
                assertThat(catchThrowable(() -> InkCodec.decodeToJson(prefix))).as("the first %d bytes", length)
                        .isInstanceOf(InkFormatException.class);
            }
        });
    }

    @Test
    void everySingleByteCorruptionDecodesOrIsRefused() {
        forEachSample(6000, random -> {
            byte[] ink = encode(random.anyStrokesValue(4, 16));
            int position = random.nextInt(ink.length);
            ink[position] = (byte) (random.nextInt(255) + 1 + ink[position]); // any other value
            assertDecodesOrIsRefused(ink);
        });
    }

    /** Random bytes after a version byte and a container's tag, and valid encodings with random bytes spliced in. */
    @Test
    void randomBytesDecodeOrAreRefused() {
        forEachSample(4000, random -> {
            byte[] noise = random.bytes(40);
            byte[] bytes;
            if (random.nextInt(2) == 0) {
                bytes = new byte[noise.length + 2];
                bytes[0] = InkFormat.VERSION;
                bytes[1] = (byte) (random.nextInt(2) == 0 ? InkFormat.ARRAY : InkFormat.STROKES);
                System.arraycopy(noise, 0, bytes, 2, noise.length);
            } else {
                byte[] ink = encode(random.anyStrokesValue(4, 16));
                int at = random.nextInt(ink.length + 1);
                bytes = new byte[ink.length + noise.length];
                System.arraycopy(ink, 0, bytes, 0, at);
                System.arraycopy(noise, 0, bytes, at, noise.length);
                System.arraycopy(ink, at, bytes, at + noise.length, ink.length - at);
            }
            assertDecodesOrIsRefused(bytes);
        });
    }

    private static byte[] encode(String json) {
        return InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes into a tree and into text: both refuse with the same message, or both succeed, and then the text is JSON
     * that v1 accepts (it encodes again) and equals the tree by value.
     */
    static void assertDecodesOrIsRefused(byte[] ink) {
        JsonNode tree;
        try {
            tree = InkCodec.decode(ink);
        } catch (InkFormatException refused) {
            assertThat(catchThrowable(() -> InkCodec.decodeToJson(ink))).isInstanceOf(InkFormatException.class)
                    .hasMessage(refused.getMessage());
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("decoding " + HexFormat.of().formatHex(ink) + " threw " + e, e);
        }
        byte[] text;
        try {
            text = InkCodec.decodeToJson(ink);
        } catch (Exception e) {
            throw new AssertionError("the tree decoded, the text did not: " + e, e);
        }
        JsonNode again;
        try {
            again = InkCodec.decode(InkCodec.encodeJson(text));
        } catch (Exception e) {
            throw new AssertionError("decoded text " + new String(text, StandardCharsets.UTF_8) + " does not encode: " + e, e);
        }
        assertThat(JsonValues.sameValue(again, tree)).as("text %s", new String(text, StandardCharsets.UTF_8)).isTrue();
    }
}
