package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.ink.InkCodec;

import tools.jackson.databind.node.ObjectNode;

/** The change event's wire form: lossless both ways, strict about anything that is not an event. */
class ChangeEventCodecTest {
    private static final String V1_STROKES = "[[1,2,3],[4,5,\"é\"]]";
    private static final String INK = InkCodec.toBase64(InkCodec.encodeJson(V1_STROKES.getBytes(StandardCharsets.UTF_8)));
    private static final String NOTE = "{\"event_id\":\"6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001\",\"strokes_ink\":\"" + INK + "\"}";
    /** A note as a gateway before the ink encoding queued it: its strokes a JSON array. */
    private static final String V1_NOTE = "{\"event_id\":\"6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001\",\"strokes\":" + V1_STROKES + "}";

    private static ChangeEvent note(String data) {
        return new ChangeEvent(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), SyncTable.NOTES,
                ChangeOp.UPSERT, UUID.randomUUID(), 7, data, Instant.parse("2026-11-24T10:00:00.123456Z"));
    }

    @Test
    void anEventSurvivesEncodingAndDecodingWithItsDataUntouched() {
        ChangeEvent event = note(NOTE);

        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void theBytesAreThoseAJsonGeneratorWritesForEveryShapeOfEvent() {
        java.util.Random random = new java.util.Random(34);
        String data = "{\"book_id\":\"6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001\",\"name\":\"caf\u00e9 \ud83d\udcd3 \\\"q\\\" \\u0001\"}";
        for (int i = 0; i < 2_000; i++) {
            UUID[] ids = new UUID[4];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = new UUID(random.nextLong(), random.nextLong());
            }
            ChangeOp op = ChangeOp.values()[random.nextInt(ChangeOp.values().length)];
            ChangeEvent event = new ChangeEvent(ids[0], ids[1], ids[2], SyncTable.values()[random.nextInt(4)], op,
                    ids[3], random.nextLong() & Long.MAX_VALUE, op == ChangeOp.UPSERT ? data : null,
                    Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000) * 1000L));
            if (random.nextBoolean()) {
                event = event.withAfter(java.util.Map.of(SyncTable.BOOKS, (long) random.nextInt(1 << 30),
                        SyncTable.EVENTS, 0L));
            }
            if (op == ChangeOp.UPSERT && random.nextInt(4) == 0) {
                event = event.rejectedAs(ChangeResult.IMMUTABLE_FIELD);
            }

            assertThat(new String(ChangeEventCodec.encode(event), StandardCharsets.UTF_8)).isEqualTo(generated(event));
            assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(event))).isEqualTo(event);
        }
    }

    /** The event as the codec wrote it with Jackson's generator before: the form queued events have. */
    private static String generated(ChangeEvent e) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (tools.jackson.core.JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("change_id", e.changeId().toString());
            g.writeStringProperty("account_id", e.accountId().toString());
            g.writeStringProperty("device_id", e.deviceId().toString());
            g.writeStringProperty("table", e.table().wireName());
            g.writeStringProperty("op", e.op().wireName());
            g.writeStringProperty("record_id", e.recordId().toString());
            g.writeNumberProperty("base_version", e.baseVersion());
            if (e.data() != null) {
                g.writeName("data");
                g.writeRawValue(e.data());
            }
            g.writeStringProperty("received_at", Timestamps.format(e.receivedAt()));
            if (!e.after().isEmpty()) {
                g.writeName("after");
                g.writeStartObject();
                for (java.util.Map.Entry<SyncTable, Long> entry : new java.util.EnumMap<>(e.after()).entrySet()) {
                    g.writeNumberProperty(entry.getKey().wireName(), entry.getValue());
                }
                g.writeEndObject();
            }
            if (e.rejection() != null) {
                g.writeStringProperty("rejection", e.rejection());
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    @Test
    void theDeletesAChangeMustFollowSurviveEncoding() {
        ChangeEvent child = note(NOTE).withAfter(java.util.Map.of(SyncTable.BOOKS, 41L, SyncTable.EVENTS, 7L));

        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(child))).isEqualTo(child);
        String valid = new String(ChangeEventCodec.encode(child), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChangeEventCodec.decode(valid.replace("\"books\":41", "\"shelves\":41").getBytes()))
                .hasMessageContaining("unknown table shelves");
        assertThatThrownBy(() -> ChangeEventCodec.decode(valid.replace("\"books\":41", "\"books\":-1").getBytes()))
                .hasMessageContaining("after.books is not an offset");
    }

    @Test
    void aGatewaysRejectionSurvivesEncodingAndAnyOtherIsUndecodable() {
        ChangeEvent rejected = note(NOTE).rejectedAs(ChangeResult.IMMUTABLE_FIELD);

        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(rejected))).isEqualTo(rejected);
        assertThat(ChangeEventCodec.read(ChangeEventCodec.encode(rejected)).event().rejection())
                .isEqualTo("immutable_field");
        assertThat(new String(ChangeEventCodec.encode(note(NOTE)), StandardCharsets.UTF_8))
                .as("almost every event carries none").doesNotContain("rejection");
        String valid = new String(ChangeEventCodec.encode(rejected), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChangeEventCodec.decode(valid.replace("\"immutable_field\"", "\"missing_parent\"")
                .getBytes())).isInstanceOf(UndecodableChangeException.class)
                .hasMessageContaining("rejection missing_parent");
        ChangeEvent delete = new ChangeEvent(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), SyncTable.EVENTS,
                ChangeOp.DELETE, UUID.randomUUID(), 3, null, Instant.now()).rejectedAs(ChangeResult.IMMUTABLE_FIELD);
        assertThatThrownBy(() -> ChangeEventCodec.decode(ChangeEventCodec.encode(delete)))
                .as("a delete names no parent").hasMessageContaining("rejection immutable_field");
    }

    @Test
    void aDeleteHasNoData() {
        ChangeEvent delete = new ChangeEvent(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), SyncTable.BOOKS,
                ChangeOp.DELETE, UUID.randomUUID(), 3, null, Instant.now());

        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(delete))).isEqualTo(delete);
    }

    @Test
    void anythingThatIsNotAnEventIsUndecodableWithTheReason() {
        String valid = new String(ChangeEventCodec.encode(note(NOTE)), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChangeEventCodec.decode("not json".getBytes())).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ChangeEventCodec.decode("[1]".getBytes())).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> ChangeEventCodec.decode(null)).hasMessageContaining("no value");
        assertThatThrownBy(() -> ChangeEventCodec.decode(valid.replace("\"notes\"", "\"users\"").getBytes()))
                .hasMessageContaining("unknown table");
        assertThatThrownBy(() -> ChangeEventCodec.decode(valid.replace("\"base_version\":7", "\"base_version\":-1")
                .getBytes())).hasMessageContaining("base_version");
        assertThatThrownBy(() -> ChangeEventCodec.decode(valid.replaceFirst("\"change_id\":\"[^\"]+\"", "\"change_id\":\"x\"")
                .getBytes())).hasMessageContaining("change_id is not a UUID");
        assertThatThrownBy(() -> ChangeEventCodec.decode((valid + "{}").getBytes())).isInstanceOf(UndecodableChangeException.class);
    }

    @Test
    void recordDataKeepsStrokesAsTheirBase64InkAndWritesThemBackUnchanged() {
        ObjectNode data = RecordData.parse(SyncTable.NOTES, NOTE);

        assertThat(data.get("event_id").stringValue()).isEqualTo("6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001");
        assertThat(RecordData.toColumnText(SyncTable.NOTES, data))
                .containsExactly("6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001", INK);
        assertThat(data.toString()).isEqualTo(NOTE);
    }

    @Test
    void aV1EventStillQueuedIsReadWithItsStrokesInInkAsTheGatewayWritesThemNow() throws Exception {
        ChangeEvent v1 = note(V1_NOTE);

        DecodedChange decoded = ChangeEventCodec.read(ChangeEventCodec.encode(v1));

        assertThat(decoded.event().data()).as("what the applier logs in sync_log").isEqualTo(NOTE);
        assertThat(decoded.data()).isEqualTo(RecordData.parse(SyncTable.NOTES, NOTE));
        assertThat(decoded.event().withData(v1.data())).isEqualTo(v1);
        assertThat(InkCodec.decode(InkCodec.fromBase64(decoded.data().get("strokes_ink").stringValue())))
                .isEqualTo(Json.MAPPER.readTree(V1_STROKES));
        assertThat(DecodedChange.of(v1)).as("an event built in memory alike").isEqualTo(decoded);
    }

    @Test
    void readingAnEventGivesItsDataInTheWireFormFromTheSameBytes() {
        ChangeEvent event = note(NOTE);

        DecodedChange decoded = ChangeEventCodec.read(ChangeEventCodec.encode(event));

        assertThat(decoded.event()).isEqualTo(event);
        assertThat(decoded.data()).isEqualTo(RecordData.parse(SyncTable.NOTES, NOTE));
        assertThat(RecordData.toColumnText(SyncTable.NOTES, decoded.data()))
                .containsExactly("6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001", INK);
    }

    @Test
    void dataThatNoTableCanHoldIsUndecodableNotAFailureLater() {
        String valid = new String(ChangeEventCodec.encode(note(NOTE)), StandardCharsets.UTF_8);
        byte[] floating = valid.replace("\"strokes_ink\":", "\"pressure\":0.5,\"strokes_ink\":").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ChangeEventCodec.read(floating))
                .isInstanceOf(UndecodableChangeException.class).hasMessageContaining("data.pressure is a VALUE_NUMBER_FLOAT");
    }
}
