package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChangeResultTest {
    private static final String CHANGE = "0195c1a0-0000-7000-8000-000000000001";
    private static final String RECORD = "0195c1a0-0000-7000-8000-000000000002";

    private static String json(ChangeResult result) {
        return Json.MAPPER.writeValueAsString(result);
    }

    @Test
    void anAppliedChangeCarriesItsVersionAndNothingElse() {
        assertThat(json(new ChangeResult(CHANGE, "applied", "books", RECORD, 3L, null, null))).isEqualTo(
                "{\"change_id\":\"" + CHANGE + "\",\"status\":\"applied\",\"table\":\"books\",\"record_id\":\""
                        + RECORD + "\",\"version\":3}");
    }

    @Test
    void aConflictWithoutARecordWritesServerRecordAsNull() {
        assertThat(json(new ChangeResult(CHANGE, "conflict", "books", RECORD, null,
                ChangeResult.serverRecord(null), null))).isEqualTo(
                "{\"change_id\":\"" + CHANGE + "\",\"status\":\"conflict\",\"table\":\"books\",\"record_id\":\""
                        + RECORD + "\",\"server_record\":null}");
    }

    @Test
    void anAppliedUseServerCarriesTheRecordAfterItsVersion() {
        ChangeResult result = new ChangeResult(CHANGE, "applied", "books", RECORD, 4L,
                ChangeResult.serverRecord(Json.MAPPER.readTree("{\"version\":4,\"data\":{\"name\":\"x\"}}")), null);

        assertThat(json(result)).isEqualTo("{\"change_id\":\"" + CHANGE + "\",\"status\":\"applied\",\"table\":\"books\","
                + "\"record_id\":\"" + RECORD + "\",\"version\":4,\"server_record\":{\"version\":4,\"data\":{\"name\":\"x\"}}}");
    }

    @Test
    void aRejectionWritesBothFieldsOfItsErrorEvenWhenOneIsNull() {
        ChangeResult result = new ChangeResult(CHANGE, "rejected", "events", RECORD, null, null,
                new ChangeResult.Error("missing_parent", null));

        assertThat(json(result)).isEqualTo("{\"change_id\":\"" + CHANGE + "\",\"status\":\"rejected\",\"table\":\"events\","
                + "\"record_id\":\"" + RECORD + "\",\"error\":{\"code\":\"missing_parent\",\"message\":null}}");
    }

    @Test
    void anImmutableFieldRejectionNamesTheTablesParentFieldAndNoOtherRejectionHasAField() {
        ChangeResult note = new ChangeResult(CHANGE, "rejected", "notes", RECORD, null, null,
                ChangeResult.Error.of(SyncTable.NOTES, "immutable_field", "fixed"));
        ChangeResult drawing = new ChangeResult(CHANGE, "rejected", "schedule_drawings", RECORD, null, null,
                ChangeResult.Error.of(SyncTable.SCHEDULE_DRAWINGS, "immutable_field", "fixed"));
        ChangeResult missing = new ChangeResult(CHANGE, "rejected", "events", RECORD, null, null,
                ChangeResult.Error.of(SyncTable.EVENTS, "missing_parent", "gone"));

        assertThat(json(note)).endsWith("\"error\":{\"code\":\"immutable_field\",\"message\":\"fixed\","
                + "\"field\":\"event_id\"}}");
        assertThat(json(drawing)).endsWith("\"field\":\"book_id\"}}");
        assertThat(json(missing)).endsWith("\"error\":{\"code\":\"missing_parent\",\"message\":\"gone\"}}");
        assertThat(ChangeResult.Error.of(SyncTable.BOOKS, "immutable_field", "x").field())
                .as("books have no parent").isNull();
    }

    @Test
    void aPendingChangeKnownOnlyByItsIdWritesNoTableOrRecord() {
        assertThat(json(new ChangeResult(CHANGE, "pending", null, null, null, null, null)))
                .isEqualTo("{\"change_id\":\"" + CHANGE + "\",\"status\":\"pending\"}");
    }
}
