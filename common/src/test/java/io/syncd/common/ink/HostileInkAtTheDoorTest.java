package io.syncd.common.ink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.common.RecordRules;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The door's rule for {@code strokes_ink} against hostile values: thousands of truncated, byte-flipped, spliced and
 * random inks (seeded, the seed in every failure) and strings that are not base64 at all go through
 * {@link RecordRules#normalize}. Each is either accepted, kept as sent and decodable, or refused with exactly one
 * violation at {@code changes[0].data.strokes_ink}; never an exception.
 */
class HostileInkAtTheDoorTest {
    private static final long FIRST_SEED = Long.getLong("ink.seed", 20261207L);
    private static final String PATH = "changes[0].data";
    private static final String FIELD = PATH + ".strokes_ink";
    private static final String EVENT = UUID.randomUUID().toString();

    /** One violation the rules reported. */
    private record Violation(String path, String message) {
    }

    /** What the door did with one value: the normalized data, or null and what it refused. */
    private record Outcome(ObjectNode normalized, List<Violation> violations) {
    }

    private static Outcome atTheDoor(JsonNode strokesInk) {
        ObjectNode data = Json.MAPPER.createObjectNode().put("event_id", EVENT);
        data.set("strokes_ink", strokesInk);
        List<Violation> violations = new ArrayList<>();
        ObjectNode normalized = RecordRules.normalize(SyncTable.NOTES, data, PATH,
                (path, message) -> violations.add(new Violation(path, message)));
        return new Outcome(normalized, violations);
    }

    /**
     * Either accepted (kept exactly as sent, it decodes, and its value encodes to a canonical ink of the same value) or
     * refused with one violation at the field; an exception fails the test.
     */
    private static boolean acceptedOrRefusedAtTheField(String base64) throws InkFormatException {
        Outcome outcome = atTheDoor(Json.MAPPER.getNodeFactory().stringNode(base64));
        if (outcome.normalized() == null) {
            assertThat(outcome.violations()).as("refused %s", base64).hasSize(1);
            assertThat(outcome.violations().get(0).path()).as("refused %s", base64).isEqualTo(FIELD);
            assertThat(outcome.violations().get(0).message()).isNotBlank();
            return false;
        }
        assertThat(outcome.violations()).as("accepted %s", base64).isEmpty();
        assertThat(outcome.normalized().get("strokes_ink").stringValue()).as("kept as sent").isEqualTo(base64);
        byte[] ink = InkCodec.fromBase64(base64);
        JsonNode value = InkCodec.decode(ink);
        byte[] canonical = InkCodec.encode(value);
        // Decoders take longer varints and looser widths than encoders write (PROTOCOL.md, "Building blocks"), so a
        // mutated ink that is accepted need not be canonical; its value must survive re-encoding, and that is canonical.
        assertThat(JsonValues.sameValue(InkCodec.decode(canonical), value)).as("re-encoding %s", base64).isTrue();
        assertThat(InkCodec.encode(InkCodec.decode(canonical))).as("re-encoding %s", base64).isEqualTo(canonical);
        return true;
    }

    /** Runs {@code check} on {@code samples} generators seeded FIRST_SEED, FIRST_SEED + 1, …, naming a failure's seed. */
    private static int forEachSample(int samples, Sample check) {
        int accepted = 0;
        for (int i = 0; i < samples; i++) {
            long seed = FIRST_SEED + i;
            try {
                accepted += acceptedOrRefusedAtTheField(check.ink(new RandomJson(new Random(seed)))) ? 1 : 0;
            } catch (Throwable e) {
                throw new AssertionError("sample seed " + seed + " (run it first with -Dink.seed=" + seed + "): " + e, e);
            }
        }
        return accepted;
    }

    /** One hostile base64 value drawn from its own generator. */
    @FunctionalInterface
    private interface Sample {
        String ink(RandomJson random);
    }

    private static byte[] validInk(RandomJson random) {
        return InkCodec.encodeJson(random.anyStrokesValue(4, 16).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validInksAreKeptAsSentAndReEncodeIdentically() {
        forEachSample(1000, random -> {
            byte[] ink = validInk(random);
            String base64 = InkCodec.toBase64(ink);
            Outcome outcome = atTheDoor(Json.MAPPER.getNodeFactory().stringNode(base64));
            assertThat(outcome.violations()).isEmpty();
            try {
                assertThat(InkCodec.encode(InkCodec.decode(ink))).isEqualTo(ink);
            } catch (InkFormatException e) {
                throw new AssertionError(e);
            }
            return base64;
        });
    }

    @Test
    void truncatedInksAreRefusedAtTheField() {
        int accepted = forEachSample(3000, random -> {
            byte[] ink = validInk(random);
            return InkCodec.toBase64(Arrays.copyOf(ink, random.nextInt(ink.length)));
        });
        assertThat(accepted).as("a proper prefix of an encoding is never a whole one").isZero();
    }

    @Test
    void byteFlippedInksAreAcceptedOrRefusedAtTheField() {
        forEachSample(4000, random -> {
            byte[] ink = validInk(random);
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                int at = random.nextInt(ink.length);
                ink[at] = (byte) (ink[at] ^ (1 << random.nextInt(8)));
            }
            return InkCodec.toBase64(ink);
        });
    }

    @Test
    void splicedInksAreAcceptedOrRefusedAtTheField() {
        forEachSample(3000, random -> {
            byte[] ink = validInk(random);
            byte[] other = validInk(random);
            int cut = random.nextInt(ink.length + 1);
            int from = random.nextInt(other.length + 1);
            byte[] spliced = Arrays.copyOf(ink, cut + other.length - from);
            System.arraycopy(other, from, spliced, cut, other.length - from);
            return InkCodec.toBase64(spliced);
        });
    }

    @Test
    void randomBytesAreAcceptedOrRefusedAtTheField() {
        forEachSample(3000, random -> {
            byte[] noise = random.bytes(60);
            if (random.nextInt(2) == 0 && noise.length > 1) {
                noise[0] = InkFormat.VERSION; // past the version check, into the decoder proper
                noise[1] = (byte) (random.nextInt(2) == 0 ? InkFormat.ARRAY : InkFormat.STROKES);
            }
            return InkCodec.toBase64(noise);
        });
    }

    @Test
    void stringsThatAreNotBase64AreRefusedAtTheField() throws Exception {
        String valid = InkCodec.toBase64(InkCodec.encodeJson("[[[1,2,3,4],[5,6,7,8]]]".getBytes(StandardCharsets.UTF_8)));
        List<String> notBase64 = new ArrayList<>(List.of("", "=", "====", "A", "AB", "ABC", "AQo", "AQo==", "AQ==AQ==",
                " AQoA", "AQoA ", "AQ\noA", "AQ-A", "AQ_A", "AQ.A", "AQéA", "AQ\u0000A", "\ud800AQo", "!!!!",
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {1, 10, -5, -1}),
                Base64.getMimeEncoder().encodeToString(new byte[200]),
                valid.substring(1), valid + "=", valid.replace('A', '*'), "[[[1,2,3,4]]]", "null", "true"));
        Random random = new Random(FIRST_SEED);
        for (int i = 0; i < 1000; i++) {
            char[] text = valid.toCharArray();
            text[random.nextInt(text.length)] = (char) random.nextInt(0x3000);
            notBase64.add(new String(text));
        }
        for (String text : notBase64) {
            try {
                acceptedOrRefusedAtTheField(text);
            } catch (Throwable e) {
                throw new AssertionError("strokes_ink " + Json.MAPPER.writeValueAsString(text) + ": " + e, e);
            }
        }
        for (String text : notBase64.subList(0, 25)) {
            assertThat(atTheDoor(Json.MAPPER.getNodeFactory().stringNode(text)).normalized()).as(text).isNull();
        }
    }

    @Test
    void valuesThatAreNotStringsAreRefusedAtTheField() {
        for (String json : List.of("1", "1.5", "true", "[]", "[[[1,2]]]", "{}", "{\"ink\":\"AQoA\"}")) {
            Outcome outcome = atTheDoor(Json.MAPPER.readTree(json));
            assertThat(outcome.normalized()).as(json).isNull();
            assertThat(outcome.violations()).as(json).containsExactly(
                    new Violation(FIELD, "must be a string: the ink encoding in base64"));
        }
    }
}
