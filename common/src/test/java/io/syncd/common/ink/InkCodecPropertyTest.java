package io.syncd.common.ink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import tools.jackson.databind.JsonNode;

/**
 * Properties of the ink encoding over random input: every JSON array round-trips by value (through the tree and the
 * text), stroke sets of every number style take the compact form, and truncated, corrupted or random bytes decode to
 * something or fail with {@link InkFormatException}, never another exception.
 */
class InkCodecPropertyTest {

    // --- round trips ---

    @Property(tries = 400)
    void anyJsonArrayRoundTripsByValue(@ForAll("jsonArrays") String json) throws InkFormatException {
        assertRoundTrip(json);
    }

    @Property(tries = 300)
    void strokeSetsRoundTripByValue(@ForAll("strokeSets") Strokes strokes) throws InkFormatException {
        byte[] ink = assertRoundTrip(strokes.json());

        if (strokes.style() != Style.FULL_PRECISION) {
            assertThat(ink[1]).as("the stroke set form of %s", strokes.json()).isEqualTo((byte) InkFormat.STROKES);
        }
    }

    /** Encodes {@code json} from its text and from its tree, decodes both ways, and checks every result's value. */
    private static byte[] assertRoundTrip(String json) throws InkFormatException {
        JsonNode original = JsonValues.parse(json);
        byte[] ink = InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8));

        assertThat(JsonValues.sameValue(InkCodec.decode(ink), original)).as("the decoded tree of %s", json).isTrue();
        byte[] text = InkCodec.decodeToJson(ink);
        assertThat(JsonValues.sameValue(JsonValues.parse(text), original)).as("the decoded text of %s", json).isTrue();
        assertThat(InkCodec.encode(original)).as("the encoding of the tree of %s", json).isEqualTo(ink);
        assertThat(InkCodec.encode(InkCodec.decode(ink))).as("the encoding is canonical").isEqualTo(ink);
        assertThat(InkCodec.fromBase64(InkCodec.toBase64(ink))).isEqualTo(ink);
        return ink;
    }

    // --- malformed input ---

    @Property(tries = 150)
    void everyTruncationIsRefused(@ForAll("encodings") byte[] ink) {
        for (int length = 0; length < ink.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(ink, length);
            assertThat(catchThrowable(() -> InkCodec.decode(prefix))).as("the first %d bytes", length)
                    .isInstanceOf(InkFormatException.class);
            assertThat(catchThrowable(() -> InkCodec.decodeToJson(prefix))).isInstanceOf(InkFormatException.class);
        }
    }

    @Property(tries = 400)
    void everySingleByteCorruptionDecodesOrIsRefused(@ForAll("encodings") byte[] ink,
            @ForAll @IntRange(min = 0, max = 1 << 20) int position, @ForAll byte value) {
        byte[] corrupted = ink.clone();
        corrupted[position % ink.length] = value;
        assertDecodesOrIsRefused(corrupted);
    }

    @Property(tries = 300)
    void randomBytesDecodeOrAreRefused(@ForAll("randomEncodings") byte[] bytes) {
        assertDecodesOrIsRefused(bytes);
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
            throw new AssertionError("decoding " + java.util.HexFormat.of().formatHex(ink) + " threw " + e, e);
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

    // --- generators ---

    @Provide
    Arbitrary<String> jsonArrays() {
        return array(4);
    }

    @Provide
    Arbitrary<byte[]> encodings() {
        return Arbitraries.oneOf(jsonArrays(), strokeSets().map(Strokes::json))
                .map(json -> InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Valid encodings with random bytes spliced in, and random bytes after a version byte and a container's tag. */
    @Provide
    Arbitrary<byte[]> randomEncodings() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> headed = Combinators.combine(Arbitraries.of(InkFormat.ARRAY, InkFormat.STROKES), noise)
                .as((tag, tail) -> {
                    byte[] bytes = new byte[tail.length + 2];
                    bytes[0] = InkFormat.VERSION;
                    bytes[1] = (byte) (int) tag;
                    System.arraycopy(tail, 0, bytes, 2, tail.length);
                    return bytes;
                });
        Arbitrary<byte[]> spliced = Combinators.combine(encodings(), noise, Arbitraries.integers().between(0, 1 << 20))
                .as((ink, inserted, at) -> {
                    int position = at % (ink.length + 1);
                    byte[] bytes = new byte[ink.length + inserted.length];
                    System.arraycopy(ink, 0, bytes, 0, position);
                    System.arraycopy(inserted, 0, bytes, position, inserted.length);
                    System.arraycopy(ink, position, bytes, position + inserted.length, ink.length - position);
                    return bytes;
                });
        return Arbitraries.oneOf(headed, spliced);
    }

    private Arbitrary<String> value(int depth) {
        if (depth == 0) {
            return scalar();
        }
        return Arbitraries.frequencyOf(Tuple.of(4, scalar()), Tuple.of(1, Arbitraries.lazy(() -> array(depth - 1))),
                Tuple.of(1, Arbitraries.lazy(() -> object(depth - 1))));
    }

    private Arbitrary<String> array(int depth) {
        return value(depth).list().ofMaxSize(6).map(items -> "[" + String.join(", ", items) + "]");
    }

    private Arbitrary<String> object(int depth) {
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff')
                .ofMaxLength(6);
        return Arbitraries.maps(keys, value(depth)).ofMaxSize(5).map(InkCodecPropertyTest::object);
    }

    private static String object(Map<String, String> properties) {
        return properties.entrySet().stream().map(entry -> quote(entry.getKey()) + ":" + entry.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private Arbitrary<String> scalar() {
        return Arbitraries.frequencyOf(Tuple.of(4, number()), Tuple.of(2, Arbitraries.strings().all().ofMaxLength(12)
                .map(InkCodecPropertyTest::quote)), Tuple.of(1, Arbitraries.of("true", "false", "null")));
    }

    /** JSON number text of every shape: signs, leading digits, long fractions, exponents, -0, 1000 digits. */
    private Arbitrary<String> number() {
        Arbitrary<String> sign = Arbitraries.of("", "-");
        Arbitrary<String> whole = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 3000).map(String::valueOf)),
                Tuple.of(1, Arbitraries.longs().map(n -> Long.toUnsignedString(n))),
                Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40).map(d -> "1" + d)),
                Tuple.of(1, Arbitraries.just("9".repeat(999))));
        Arbitrary<String> fraction = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(3).map(d -> "." + d)),
                Tuple.of(1, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30).map(d -> "." + d)));
        Arbitrary<String> exponent = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just("")),
                Tuple.of(1, Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"),
                        Arbitraries.integers().between(0, 400)).as((e, s, n) -> e + s + n)));
        return Combinators.combine(sign, whole, fraction, exponent).as((s, w, f, e) -> s + w + f + e)
                .filter(text -> text.length() <= InkFormat.MAX_NUMBER_LENGTH); // v1's parser refuses longer ones
    }

    /** A JSON string literal of {@code text}: surrogates escaped, so an unpaired one is valid JSON text. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** How a stroke set's numbers look. */
    enum Style {
        INTEGERS, TWO_DECIMALS, FULL_PRECISION, MIXED_FORMS
    }

    record Strokes(Style style, String json) {
    }

    @Provide
    Arbitrary<Strokes> strokeSets() {
        return Arbitraries.of(Style.class).flatMap(style -> stroke(style).list().ofMaxSize(8)
                .map(strokes -> new Strokes(style, "[" + String.join(",", strokes) + "]")));
    }

    private Arbitrary<String> stroke(Style style) {
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(0, 40))
                .flatAs((arity, points) -> coordinate(style).list().ofSize(arity)
                        .map(point -> "[" + String.join(",", point) + "]").list().ofSize(points))
                .map(points -> "[" + String.join(",", points) + "]");
    }

    private Arbitrary<String> coordinate(Style style) {
        return switch (style) {
            case INTEGERS -> Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.integers().between(-100_000, 100_000)
                    .map(String::valueOf)), Tuple.of(1, Arbitraries.of("-0", "9223372036854775807", "-9223372036854775808")));
            case TWO_DECIMALS -> Arbitraries.integers().between(-1_000_000, 1_000_000)
                    .map(n -> BigDecimal.valueOf(n, 2).toPlainString());
            case FULL_PRECISION -> Arbitraries.doubles().between(-3000, 3000).map(String::valueOf);
            case MIXED_FORMS -> Combinators.combine(Arbitraries.integers().between(-1_000_000, 1_000_000),
                    Arbitraries.integers().between(0, 4), Arbitraries.of(List.of("plain", "exponent", "zeros")))
                    .as((unscaled, scale, form) -> switch (form) {
                        case "plain" -> BigDecimal.valueOf(unscaled, scale).toPlainString();
                        case "exponent" -> unscaled + "e-" + scale;
                        default -> BigDecimal.valueOf(unscaled, scale).toPlainString() + (scale > 0 ? "000" : ".000");
                    });
        };
    }
}
