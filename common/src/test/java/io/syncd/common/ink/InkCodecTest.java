package io.syncd.common.ink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The ink encoding by example: the documented bytes, numbers by value, the general form, and each refusal. */
class InkCodecTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static byte[] encode(String json) {
        return InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToJson(byte[] ink) throws InkFormatException {
        return new String(InkCodec.decodeToJson(ink), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }

    /** Encodes, decodes both ways and checks both equal the original by value; returns the encoding. */
    private static byte[] roundTrip(String json) throws InkFormatException {
        byte[] ink = encode(json);
        JsonNode original = JsonValues.parse(json);
        assertThat(JsonValues.sameValue(InkCodec.decode(ink), original)).as("decoded tree of %s", json).isTrue();
        assertThat(JsonValues.sameValue(JsonValues.parse(decodeToJson(ink)), original)).as("decoded text of %s", json)
                .isTrue();
        assertThat(InkCodec.encode(original)).as("the tree's encoding of %s", json).isEqualTo(ink);
        return ink;
    }

    private static InkFormatException refused(byte[] ink) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> InkCodec.decode(ink));
        assertThat(thrown).isInstanceOf(InkFormatException.class);
        assertThatThrownBy(() -> InkCodec.decodeToJson(ink)).isInstanceOf(InkFormatException.class)
                .hasMessage(thrown.getMessage());
        return (InkFormatException) thrown;
    }

    @Test
    void theWorkedExampleOfPROTOCOLmdIsEncodedByteForByte() throws InkFormatException {
        String json = "[[[10,20,0.5,0],[12,19,0.75,8],[13,21,0.5,16],[13,22,0.6,24]]]";

        byte[] ink = encode(json);

        assertThat(HEX.formatHex(ink)).isEqualTo("01 0a 01 04 04 00 14 00 02 06 00 28 01 02 2c 02 64 31 06 32 30 02"
                + " 00 00 10 00");
        assertThat(decodeToJson(ink)).isEqualTo(json);
        assertThat(InkCodec.toBase64(ink)).isEqualTo("AQoBBAQAFAACBgAoAQIsAmQxBjIwAgAAEAA=");
    }

    @Test
    void aStrokesDeltasStartFromThePreviousStrokesLastValueOfEachChannel() throws InkFormatException {
        String json = "[[[1,2]],[[3,5,7]]]";

        byte[] ink = encode(json);

        assertThat(HEX.formatHex(ink)).isEqualTo("01 0a 02 01 02 00 02 00 04 01 03 00 04 00 06 00 0e");
        assertThat(decodeToJson(ink)).isEqualTo(json);
    }

    @Test
    void theGeneralFormExampleOfPROTOCOLmdIsEncodedByteForByte() throws InkFormatException {
        String json = "[{\"pen\":\"red\"},null,1.5,[true,-3]]";

        byte[] ink = encode(json);

        assertThat(HEX.formatHex(ink))
                .isEqualTo("01 08 04 09 01 06 03 70 65 6e 06 03 72 65 64 00 04 02 01 0f 08 02 02 03 05");
        assertThat(decodeToJson(ink)).isEqualTo(json);
    }

    @Test
    void strokesOfIntegersDecimalsAndExponentsAreCompactAndEqualByValue() throws InkFormatException {
        byte[] ink = roundTrip("[[[1.50, 15e-1, -0, 0.731], [12.5, 1E3, -0.0, 1e-2], [-7, -1.25e+1, 3, 0.7310000000000001]]]");

        assertThat(ink[1]).as("the stroke set tag").isEqualTo((byte) InkFormat.STROKES);
        assertThat(decodeToJson(ink))
                .isEqualTo("[[[1.5,1.5,0,0.731],[12.5,1000,0,0.01],[-7,-12.5,3,0.7310000000000001]]]");
    }

    @Test
    void theExtremesOf64BitsStayCompactBecauseDeltasWrap() throws InkFormatException {
        byte[] ink = roundTrip("[[[9223372036854775807,-9223372036854775808],[-9223372036854775808,9223372036854775807]]]");

        assertThat(ink[1]).isEqualTo((byte) InkFormat.STROKES);
    }

    @Test
    void strokesMayDifferInArityFromEachOtherButNotWithinThemselves() throws InkFormatException {
        assertThat(roundTrip("[[[1,2],[3,4]],[[5,6,7]],[],[[8]]]")[1]).isEqualTo((byte) InkFormat.STROKES);
        assertThat(roundTrip("[[[1,2],[3,4,5]]]")[1]).isEqualTo((byte) InkFormat.ARRAY);
        assertThat(roundTrip("[[[]]]")[1]).as("a point without channels").isEqualTo((byte) InkFormat.ARRAY);
    }

    @Test
    void numbersPast64BitsAtTheirChannelsScaleTakeTheGeneralForm() throws InkFormatException {
        assertThat(roundTrip("[[[1e30, 2]]]")[1]).isEqualTo((byte) InkFormat.ARRAY);
        assertThat(roundTrip("[[[92233720368547758.08]]]")[1]).isEqualTo((byte) InkFormat.ARRAY);
        assertThat(roundTrip("[[[1, 2], [0.0000000000000000001, 3]]]")[1]).isEqualTo((byte) InkFormat.ARRAY);
        assertThat(roundTrip("[[[123456789012345678901234567890.5]]]")[1]).isEqualTo((byte) InkFormat.ARRAY);
    }

    @Test
    void emptyArraysAndStrokesRoundTrip() throws InkFormatException {
        assertThat(HEX.formatHex(roundTrip("[]"))).isEqualTo("01 0a 00");
        assertThat(HEX.formatHex(roundTrip("[[]]"))).isEqualTo("01 0a 01 00");
        roundTrip("[[],[[1]],[]]");
    }

    @Test
    void anyOtherJsonRoundTripsInTheGeneralForm() throws InkFormatException {
        roundTrip("[null,true,false,\"\",\"ü✍ 𝄞\",{\"a\":{\"b\":[1,{}]},\"\":null},[[[\"x\"]]],-0.5,1E+400,"
                + "123456789012345678901234567890,-9.99e-300]");
    }

    @Test
    void numbersPastWhatADecimalHoldsKeepTheirText() throws InkFormatException {
        byte[] ink = encode("[1e99999999999, -2.5E-99999999999]");

        assertThat(decodeToJson(ink)).isEqualTo("[1e99999999999,-2.5E-99999999999]");
        assertThat(ink[3]).isEqualTo((byte) InkFormat.NUMBER_TEXT);
        assertThat(InkCodec.encode(InkCodec.decode(ink))).isEqualTo(ink);
    }

    @Test
    void aThousandDigitNumberIsExact() throws InkFormatException {
        String digits = "9".repeat(1000);
        roundTrip("[" + digits + ", -" + digits.substring(1) + ", 0." + digits.substring(2) + "]");
        roundTrip("[[[" + "1".repeat(999) + "0]]]");
    }

    @Test
    void stringsWithUnpairedSurrogatesAndControlCharactersRoundTrip() throws InkFormatException {
        String json = "[\"\\ud800\",\"a\\udc00b\",{\"\\ud83d\\ude00\":\"\\u0000\\n\\\"\\\\\"},\"\\ud83d\\ude00\"]";

        byte[] ink = roundTrip(json);

        assertThat(decodeToJson(ink)).isEqualTo("[\"\\ud800\",\"a\\udc00b\",{\"😀\":\"\\u0000\\u000a\\\"\\\\\"},\"😀\"]");
    }

    @Test
    void nestingUpToTheV1LimitRoundTripsAndDeeperIsRefused() throws InkFormatException {
        roundTrip("[".repeat(100) + "]".repeat(100));

        assertThatThrownBy(() -> encode("[".repeat(101) + "]".repeat(101))).isInstanceOf(IllegalArgumentException.class);
        byte[] deep = new byte[2 + 2 * 101];
        deep[0] = 1;
        for (int i = 0; i < 101; i++) {
            deep[1 + 2 * i] = InkFormat.ARRAY;
            deep[2 + 2 * i] = (byte) (i < 100 ? 1 : 0);
        }
        InkFormatException e = refused(deep);
        assertThat(e.problem()).isEqualTo("nested deeper than 100 levels");
        assertThat(e.offset()).isEqualTo(201);
        assertThat(e.path()).isEqualTo("[0]".repeat(100));
    }

    @Test
    void strokesKeptAsRawTextAreEncodedFromTheirTextAndDoubleNodesAtTheirShortestValue() throws InkFormatException {
        String json = "[[[1.50, 2], [0.731, -3]]]";
        tools.jackson.databind.node.ObjectNode data = io.syncd.common.Json.MAPPER.createObjectNode();
        data.putRawValue("strokes", io.syncd.common.RawJson.of(json.getBytes(StandardCharsets.UTF_8)));

        assertThat(InkCodec.encode(data.get("strokes"))).isEqualTo(encode(json));
        assertThat(InkCodec.encode(io.syncd.common.Json.MAPPER.readTree(json))).as("parsed into doubles")
                .isEqualTo(encode(json));
    }

    @Test
    void onlyJsonArraysAreEncoded() {
        assertThatThrownBy(() -> encode("{\"a\":1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a JSON array");
        assertThatThrownBy(() -> encode("[1,")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> encode("[1] 2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encode("[{\"a\":1,\"a\":2}]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> InkCodec.encode(JsonValues.parse("7"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownVersionIsRefused() {
        InkFormatException e = refused(bytes("02 0a 00"));

        assertThat(e).hasMessage("byte 0: unknown version 2 (this decoder reads version 1)");
        assertThat(refused(new byte[0]).problem()).isEqualTo("the input ends where the version byte was expected");
    }

    @Test
    void anUnknownTagIsRefusedWithItsOffsetAndPath() {
        InkFormatException e = refused(bytes("01 08 02 00 0b"));

        assertThat(e).hasMessage("byte 4 (at [1]): unknown tag 0x0B");
    }

    @Test
    void theValueMustBeAnArray() {
        assertThat(refused(bytes("01 03 02")).problem())
                .isEqualTo("the value must be an array (tag 0x08 or 0x0A), not tag 0x03");
    }

    @Test
    void trailingBytesAreRefused() {
        InkFormatException e = refused(bytes("01 0a 00 00"));

        assertThat(e).hasMessage("byte 3: 1 trailing bytes after the value");
    }

    @Test
    void aTruncatedVarintIsRefused() {
        InkFormatException e = refused(bytes("01 08 01 03 80 80"));

        assertThat(e).hasMessage("byte 4 (at [0]): truncated varint (an integer): the input ends inside it");
    }

    @Test
    void aVarintLongerThanTenBytesOrPast64BitsIsRefused() {
        assertThat(refused(bytes("01 08 01 03 ff ff ff ff ff ff ff ff ff 81 00")).problem())
                .isEqualTo("varint (an integer) longer than 10 bytes");
        assertThat(refused(bytes("01 08 01 03 ff ff ff ff ff ff ff ff ff 02")).problem())
                .isEqualTo("varint (an integer) exceeds 64 bits");
        assertThat(HEX.formatHex(encode("[-9223372036854775808]"))).isEqualTo("01 0a 00".substring(0, 0)
                + "01 08 01 03 ff ff ff ff ff ff ff ff ff 01");
    }

    @Test
    void countsPastTheEndAreRefused() {
        assertThat(refused(bytes("01 08 05 00 00")))
                .hasMessage("byte 2: array count 5 is past the end: 2 bytes are left");
        assertThat(refused(bytes("01 08 01 06 04 61 62")).problem())
                .isEqualTo("a string's length 4 is past the end: 2 bytes are left");
        assertThat(refused(bytes("01 08 01 09 03 06 01 61 00")).problem())
                .isEqualTo("object count 3 is past the end: 4 bytes are left");
        assertThat(refused(bytes("01 0a 01 03 02 00 02 04")))
                .hasMessage("byte 4 (at [0]): channel count 2 of 3 points is past the end: 3 bytes are left");
    }

    @Test
    void aFewBytesClaimingBillionsOfItemsFailWithoutAllocatingForThem() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] hostile = {
            "01 0a 01 ff ff ff ff 07", // 2^31 - 1 points
            "01 0a 01 01 ff ff ff ff 0f 00", // one point of 2^32 - 1 channels
            "01 0a 01 03 de b7 e4 aa 80 80 80 80 a0 01", // channels past 2^63: negative as a signed long
            "01 0a ff ff ff ff 07", // strokes
            "01 08 ff ff ff ff 07", // array items
            "01 08 01 09 ff ff ff ff 07", // object entries
            "01 08 01 06 ff ff ff ff 07", // string bytes
            "01 08 01 07 fe ff ff ff 07", // UTF-16 string bytes
            "01 08 01 04 00 ff ff ff ff 07", // decimal bytes
            "01 08 01 05 ff ff ff ff 07", // number text
        };
        for (String hex : hostile) {
            byte[] ink = bytes(hex);
            InkCodec.toBase64(ink); // loads what the refusal needs, so only the decode is measured
            refused(ink);
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> InkCodec.decode(ink)).as(hex).isInstanceOf(InkFormatException.class)
                    .hasMessageContaining("is past the");
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated decoding %s", hex).isLessThan(64 * 1024);
        }
    }

    @Test
    void invalidUtf8IsRefusedAtItsByte() {
        assertThat(refused(bytes("01 08 01 06 03 61 c3 28"))).hasMessage("byte 6 (at [0]): invalid UTF-8 in a string");
        assertThat(refused(bytes("01 08 01 06 03 ed a0 80")).problem()).as("a surrogate in UTF-8")
                .isEqualTo("invalid UTF-8 in a string");
        assertThat(refused(bytes("01 08 01 06 02 c0 80")).problem()).as("an overlong form")
                .isEqualTo("invalid UTF-8 in a string");
        assertThat(refused(bytes("01 08 01 07 03 00 61 00")).problem()).isEqualTo("a UTF-16 string's length 3 is odd");
    }

    @Test
    void malformedNumbersAreRefused() {
        assertThat(refused(bytes("01 08 01 05 02 31 2e")).problem()).isEqualTo("not a JSON number");
        assertThat(refused(bytes("01 08 01 04 00 00")).problem())
                .isEqualTo("a decimal's unscaled value takes 1 to 512 bytes, not 0");
        assertThat(refused(bytes("01 08 01 04 80 80 80 80 10 01 01")).problem())
                .isEqualTo("a decimal's scale 2147483648 is past 32 bits");
        assertThat(refused(bytes("01 0a 01 01 01 80 80 80 80 08 00")).problem())
                .isEqualTo("scale 2147483648 is past 2147483647");
        assertThat(refused(bytes("01 0a 01 01 00")).problem())
                .isEqualTo("a stroke with points has at least one channel");
    }

    @Test
    void aDuplicateKeyOrAKeyThatIsNoStringIsRefused() {
        assertThat(refused(bytes("01 08 01 09 02 06 01 61 00 06 01 61 00")))
                .hasMessage("byte 9 (at [0][1]): duplicate key \"a\"");
        assertThat(refused(bytes("01 08 01 09 01 03 00 00")).problem())
                .isEqualTo("a key must be a string (tag 0x06 or 0x07), not tag 0x03");
    }

    @Test
    void errorsInsideAStrokeNameItsPointAndChannel() {
        // Stroke 1: 2 points, 2 channels; channel 1's first delta is cut off.
        assertThat(refused(bytes("01 0a 02 00 02 02 00 02 00 08 05 00 80 80 80"))).hasMessage(
                "byte 12 (at [1][0][1]): truncated varint (a stroke's first delta): the input ends inside it");
        // The same stroke with channel 1's packed deltas (1 of 8 bits) cut off.
        assertThat(refused(bytes("01 0a 02 00 02 02 00 02 00 08 05 00 02 00 08"))).hasMessage(
                "byte 15 (at [1][1][1]): 1 deltas of 8 bits (1 bytes) are past the end: 0 bytes are left");
    }

    @Test
    void aWidthPast64BitsOrPaddingBitsThatAreNot0AreRefused() {
        assertThat(refused(bytes("01 0a 01 02 01 00 00 00 41 00"))).hasMessage(
                "byte 8 (at [0][1][0]): delta width 65 is past 64");
        assertThat(HEX.formatHex(encode("[[[0],[1],[3]]]"))).isEqualTo("01 0a 01 03 01 00 00 02 01 02");
        assertThat(refused(bytes("01 0a 01 03 01 00 00 02 01 06"))).hasMessage(
                "byte 9 (at [0][1][0]): the padding bits after the last packed delta are not 0");
    }

    @Test
    void aDecoderTakesAnyLeastDeltaAndWidthThatHoldTheDeltas() throws InkFormatException {
        // [[[0],[1],[3]]]: deltas 1, 2 are least 1 and width 1 (values 0, 1); least 0 and width 2 (values 1, 2) too.
        assertThat(decodeToJson(bytes("01 0a 01 03 01 00 00 00 02 09"))).isEqualTo("[[[0],[1],[3]]]");
        assertThat(HEX.formatHex(encode("[[[0],[1],[3]]]"))).isEqualTo("01 0a 01 03 01 00 00 02 01 02");
    }

    @Test
    void everyWidthFrom0To64RoundTrips() throws InkFormatException {
        java.util.Random random = new java.util.Random(64);
        for (int width = 0; width <= 64; width++) {
            StringBuilder json = new StringBuilder("[[");
            long value = random.nextLong();
            long widest = width == 0 ? 0 : -1L >>> (64 - width);
            for (int point = 0; point < 3 + width % 9; point++) {
                // Deltas from 0 to 2^width - 1, both ends among them: packed at exactly that width.
                value += point == 1 ? widest : point == 2 ? 0 : random.nextLong() & widest;
                json.append(point == 0 ? "" : ",").append('[').append(value).append(',').append(point).append(']');
            }
            byte[] ink = roundTrip(json.append("]]").toString());

            assertThat(ink[1]).as("width %d", width).isEqualTo((byte) InkFormat.STROKES);
            assertThat(InkCodec.encode(InkCodec.decode(ink))).as("width %d, canonical", width).isEqualTo(ink);
        }
        byte[] widest = roundTrip("[[[0],[-9223372036854775808],[-1]]]");
        assertThat(HEX.formatHex(widest)).as("deltas -2^63 and 2^63 - 1: the width is 64")
                .isEqualTo("01 0a 01 03 01 00 00 ff ff ff ff ff ff ff ff ff 01 40 00 00 00 00 00 00 00 00"
                        + " ff ff ff ff ff ff ff ff");
    }

    @Test
    void constantRateTimestampsTakeNoBytesPerPoint() throws InkFormatException {
        StringBuilder json = new StringBuilder("[[");
        for (int point = 0; point < 100; point++) {
            json.append(point == 0 ? "" : ",").append("[").append(1_700_000_000_000L + 8L * point).append("]");
        }

        assertThat(roundTrip(json.append("]]").toString())).hasSize(14);
    }

    @Test
    void strokeSetsHoldAsManyNumbersAsV1DataCanAndNoMore() throws InkFormatException {
        String fits = "[[" + "[0],".repeat(InkFormat.MAX_STROKE_NUMBERS - 1) + "[0]]]";
        assertThat(roundTrip(fits)[1]).isEqualTo((byte) InkFormat.STROKES);
        String past = "[[" + "[0],".repeat(InkFormat.MAX_STROKE_NUMBERS) + "[0]]]";
        assertThat(roundTrip(past)[1]).as("the general form").isEqualTo((byte) InkFormat.ARRAY);

        // 8 bytes that claim 2^18 points of width 0, twice: a third stroke is past the bound, and so is a wider one.
        String quarter = " 80 80 10 01 00 00 00 00";
        assertThat(InkCodec.decode(bytes("01 0a 02" + quarter + quarter)).get(1)).hasSize(1 << 18);
        assertThat(refused(bytes("01 0a 03" + quarter + quarter + " 01 01 00 00"))).hasMessage(
                "byte 19 (at [2]): point count 1 is past the 524288 numbers stroke sets may hold: 0 are left");
        assertThat(refused(bytes("01 0a 01 80 80 10 03" + " 00".repeat(12)))).hasMessage("byte 6 (at [0]): channel "
                + "count 3 of 262144 points is past the 524288 numbers stroke sets may hold: 524288 are left");
        // The bound holds for the whole encoding, however many stroke sets it nests.
        assertThat(refused(bytes("01 08 02 0a 01 80 80 20 01 00 00 00 00 0a 01 01 01 00 00"))).hasMessage(
                "byte 15 (at [1][0]): point count 1 is past the 524288 numbers stroke sets may hold: 0 are left");
    }

    @Test
    void everyTruncationAndEverySingleByteCorruptionOfTheExamplesDecodesOrIsRefused() {
        for (String json : new String[] {"[[[100,200,0.5,0],[103,198,0.75,16],[99,201,0.5,24]],[[1,2]]]",
            "[{\"pen\":\"r\u00e9d\"},null,1.5,[true,-3],1e99999999999,\"\\ud800\"]"}) {
            byte[] ink = encode(json);
            for (int length = 0; length < ink.length; length++) {
                refused(java.util.Arrays.copyOf(ink, length));
            }
            for (int position = 0; position < ink.length; position++) {
                for (int value = 0; value < 256; value++) {
                    byte[] corrupted = ink.clone();
                    corrupted[position] = (byte) value;
                    InkCodecPropertyTest.assertDecodesOrIsRefused(corrupted);
                }
            }
        }
    }

    @Test
    void base64IsStandardWithPadding() throws InkFormatException {
        byte[] ink = encode("[[[1,2]]]");

        assertThat(InkCodec.fromBase64(InkCodec.toBase64(ink))).isEqualTo(ink);
        assertThatThrownBy(() -> InkCodec.fromBase64("AQoBAQECAAIABA")).isInstanceOf(InkFormatException.class)
                .hasMessage("not base64 (RFC 4648 section 4, with padding): its length 14 is not a multiple of 4");
        assertThatThrownBy(() -> InkCodec.fromBase64("AQo-AQEC")).isInstanceOf(InkFormatException.class)
                .hasMessageEndingWith("character 3 is '-'");
        assertThatThrownBy(() -> InkCodec.fromBase64("AQ=B")).isInstanceOf(InkFormatException.class)
                .hasMessageEndingWith("character 2 is '='");
        assertThatThrownBy(() -> InkCodec.fromBase64("AQoB\nAQEC")).isInstanceOf(InkFormatException.class);
    }
}
