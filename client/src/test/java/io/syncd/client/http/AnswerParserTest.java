package io.syncd.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The device's reader of server answers: the same trees as a JSON parser, decimals exact, malformed input refused. */
class AnswerParserTest {

    /** Hands out a few bytes per read, so every value crosses buffer boundaries somewhere. */
    private static InputStream trickle(byte[] bytes, long seed) {
        Random random = new Random(seed);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
            }
        };
    }

    @Test
    void readsAPageOfInkNotesAcrossBufferBoundaries() {
        String page = "{\"changes\":[{\"table\":\"notes\",\"version\":3,\"data\":{\"event_id\":\"e\",\"strokes_ink\":"
                + "\"AQIDBA==\"}},{\"table\":\"books\",\"data\":null}],\"cursor\":\"c1\",\"has_more\":false}";

        for (long seed = 0; seed < 20; seed++) {
            JsonNode read = AnswerParser.read(trickle(page.getBytes(StandardCharsets.UTF_8), seed));

            assertThat(read.get("changes").get(0).get("data").get("strokes_ink").stringValue()).isEqualTo("AQIDBA==");
            assertThat(read.get("changes").get(0).get("version").longValue()).isEqualTo(3);
            assertThat(read.get("changes").get(1).get("data").isNull()).isTrue();
            assertThat(read.get("cursor").stringValue()).isEqualTo("c1");
            assertThat(read.get("has_more").booleanValue()).isFalse();
            assertThat(read).isEqualTo(Json.MAPPER.readTree(page));
        }
    }

    @Test
    void keepsDecimalsExactSoJsonStrokesEncodeWithoutRounding() {
        String json = "{\"strokes\":[[[0.1,1.50,12345678901234567.25,1e400]]]}";

        JsonNode read = AnswerParser.read(json.getBytes(StandardCharsets.UTF_8));

        JsonNode point = read.get("strokes").get(0).get(0);
        assertThat(point.get(0).decimalValue()).isEqualByComparingTo(new BigDecimal("0.1"));
        assertThat(point.get(1).decimalValue()).isEqualByComparingTo(new BigDecimal("1.5"));
        assertThat(point.get(2).decimalValue()).isEqualByComparingTo(new BigDecimal("12345678901234567.25"));
        assertThat(point.get(3).decimalValue()).isEqualByComparingTo(new BigDecimal("1e400"));
    }

    @Test
    void readsWhatAJsonParserReadsForRandomDocuments() {
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            JsonNode document = randomValue(random, 0);
            byte[] bytes = Json.MAPPER.writeValueAsBytes(document);

            JsonNode read = AnswerParser.read(trickle(bytes, i));

            // Decimals are read exact where Jackson's tree reads doubles: the same document by value.
            assertEqualByValue(read, Json.MAPPER.readTree(bytes));
        }
    }

    @Test
    void decodesEscapesAndNumbersAsJsonDoes() {
        String json = "{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00é😀\",\"i\":-12,\"l\":9007199254740993,"
                + "\"b\":123456789012345678901234567890,\"d\":-1.5e3,\"z\":0,\"e\":[],\"o\":{}}";

        JsonNode read = AnswerParser.read(trickle(json.getBytes(StandardCharsets.UTF_8), 7));

        assertEqualByValue(read, Json.MAPPER.readTree(json));
        assertThat(read.get("d").decimalValue()).isEqualByComparingTo(new BigDecimal("-1500"));
        assertThat(read.get("s").stringValue()).isEqualTo("a\"b\\c/d\b\f\n\r\té😀é😀");
        assertThat(read.get("l").longValue()).isEqualTo(9007199254740993L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "{\"a\":tru}", "{\"a\":01}",
            "{\"a\":1.}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":1} {}", "{a:1}",
            "{\"data\":{\"s\":[[1,2]}}", "{\"data\":{\"a\":1,\"a\":2}}", "{\"data\":{\"s\":[\"]\"}",
            "{\"a\":1,\"a\":2}", "{\"a\":\"\u0001\"}"})
    void refusesWhatIsNotOneJsonValue(String json) {
        assertThatThrownBy(() -> AnswerParser.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedAnswerException.class).hasMessageContaining("malformed JSON at byte");
    }

    /** Equal as JSON with numbers compared by value (a double 1.5 and a decimal 1.50 are the same number). */
    private static void assertEqualByValue(JsonNode actual, JsonNode expected) {
        assertThat(actual.equals(NUMBERS_BY_VALUE, expected)).as("%s equals %s by value", actual, expected).isTrue();
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    private static JsonNode randomValue(Random random, int depth) {
        int kind = depth > 3 ? 3 + random.nextInt(5) : random.nextInt(8);
        switch (kind) {
            case 0, 1 -> {
                ObjectNode object = Json.MAPPER.createObjectNode();
                int fields = random.nextInt(5);
                for (int f = 0; f < fields; f++) {
                    String name = random.nextInt(4) == 0 ? "data" : randomString(random);
                    object.set(name, randomValue(random, depth + 1));
                }
                return object;
            }
            case 2 -> {
                ArrayNode array = Json.MAPPER.createArrayNode();
                int items = random.nextInt(5);
                for (int k = 0; k < items; k++) {
                    array.add(randomValue(random, depth + 1));
                }
                return array;
            }
            case 3 -> {
                return Json.MAPPER.getNodeFactory().stringNode(randomString(random));
            }
            case 4 -> {
                return Json.MAPPER.getNodeFactory().numberNode(random.nextLong() >> random.nextInt(64));
            }
            case 5 -> {
                return Json.MAPPER.getNodeFactory().numberNode(random.nextDouble() * 1e6);
            }
            case 6 -> {
                return Json.MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            }
            default -> {
                return Json.MAPPER.getNodeFactory().nullNode();
            }
        }
    }

    private static String randomString(Random random) {
        String alphabet = "ab]}[{\"\\/,:é😀\n\t\u0001 ";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(8);
        for (int k = 0; k < length; k++) {
            int at = random.nextInt(alphabet.length());
            if (Character.isHighSurrogate(alphabet.charAt(at))) {
                text.append(alphabet, at, at + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                text.append(alphabet.charAt(at));
            }
        }
        return text.toString();
    }
}
