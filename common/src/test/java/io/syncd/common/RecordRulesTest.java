package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The record rules refuse what PostgreSQL cannot store, name the field, and normalize what they accept. */
class RecordRulesTest {
    private final List<String> violations = new ArrayList<>();

    /** Normalizes as the gateway does, and checks that the applier's check of the same data agrees. */
    private ObjectNode normalize(SyncTable table, String data) {
        int before = violations.size();
        JsonNode tree = Json.MAPPER.readTree(data);
        ObjectNode normalized = RecordRules.normalize(table, tree, "changes[0].data",
                (path, message) -> violations.add(path + ": " + message));
        String first = violations.size() > before
                ? violations.get(before).replaceFirst("^changes\\[0]\\.data", "data") : null;
        assertThat(RecordRules.firstViolation(table, tree)).isEqualTo(first);
        assertThat(normalized == null).isEqualTo(first != null);
        return normalized;
    }

    private static String event(String startTime, String endTime) {
        return "{\"book_id\":\"0b8e3d7c-2f4a-4b7e-8d1c-5a6b7c8d0001\",\"name\":\"e\",\"start_time\":\"" + startTime + "\""
                + (endTime == null ? "" : ",\"end_time\":\"" + endTime + "\"") + "}";
    }

    @Test
    void refusesU0000InAnyTextField() {
        assertThat(normalize(SyncTable.BOOKS, "{\"name\":\"a\\u0000b\"}")).isNull();
        assertThat(normalize(SyncTable.EVENTS, "{\"book_id\":\"0b8e3d7c-2f4a-4b7e-8d1c-5a6b7c8d0001\",\"name\":\"e\","
                + "\"start_time\":\"2026-11-24T09:00:00Z\",\"removal_reason\":\"\\u0000\"}")).isNull();
        assertThat(violations).containsExactly("changes[0].data.name: must not contain U+0000",
                "changes[0].data.removal_reason: must not contain U+0000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "a\\udfffb", "\\udc00\\ud800", "x\\ud83d"})
    void refusesUnpairedSurrogates(String escaped) {
        assertThat(normalize(SyncTable.BOOKS, "{\"name\":\"" + escaped + "\"}")).isNull();
        assertThat(violations).containsExactly(
                "changes[0].data.name: must not contain an unpaired surrogate (U+D800 to U+DFFF)");
    }

    @Test
    void keepsPairedSurrogatesThatIsCharactersBeyondTheBasicPlane() {
        ObjectNode data = normalize(SyncTable.BOOKS, "{\"name\":\"clinic \\ud83d\\ude00\"}");
        assertThat(violations).isEmpty();
        assertThat(data.get("name").stringValue()).isEqualTo("clinic \uD83D\uDE00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00+01:00", "0000-06-01T00:00:00Z", "9999-12-31T23:59:59-01:00"})
    void refusesTimestampsOutsideTheYears0001To9999(String time) {
        assertThat(normalize(SyncTable.EVENTS, event(time, null))).isNull();
        assertThat(violations).containsExactly("changes[0].data.start_time: must lie within the years 0001 to 9999 once in UTC");
    }

    @Test
    void refusesAnEndTimeOutsideTheRangeToo() {
        assertThat(normalize(SyncTable.EVENTS, event("2026-11-24T09:00:00Z", "9999-12-31T23:59:59-01:00"))).isNull();
        assertThat(violations).containsExactly("changes[0].data.end_time: must lie within the years 0001 to 9999 once in UTC");
    }

    @Test
    void refusesAnEndTimeBeforeTheStartTimeComparedAsInstants() {
        // 09:30+01:00 is 08:30 UTC: before the start, though its text sorts after it.
        assertThat(normalize(SyncTable.EVENTS, event("2026-11-24T09:00:00Z", "2026-11-24T09:30:00+01:00"))).isNull();
        assertThat(violations).containsExactly("changes[0].data.end_time: must not be before start_time");
    }

    @Test
    void normalizesLowerCaseAndLargeOffsetsToUtc() {
        ObjectNode data = normalize(SyncTable.EVENTS, event("2026-11-24t09:00:00.5z", "2026-11-25T09:00:00+23:59"));
        assertThat(violations).isEmpty();
        assertThat(data.get("start_time").stringValue()).isEqualTo("2026-11-24T09:00:00.500Z");
        assertThat(data.get("end_time").stringValue()).isEqualTo("2026-11-24T09:01:00Z");
    }

    @Test
    void acceptsTheEdgesOfTheRange() {
        ObjectNode data = normalize(SyncTable.EVENTS, event("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"));
        assertThat(violations).isEmpty();
        assertThat(data.get("start_time").stringValue()).isEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void refusesTheDateOfYearZero() {
        String drawing = "{\"book_id\":\"0b8e3d7c-2f4a-4b7e-8d1c-5a6b7c8d0001\",\"date\":\"%s\",\"view_mode\":1,\"strokes\":[]}";
        assertThat(normalize(SyncTable.SCHEDULE_DRAWINGS, drawing.formatted("0000-02-29"))).isNull();
        assertThat(violations).containsExactly("changes[0].data.date: must lie within the years 0001 to 9999");
        assertThat(normalize(SyncTable.SCHEDULE_DRAWINGS, drawing.formatted("0001-01-01"))).isNotNull();
    }

    @Test
    void reportsEveryViolationWithItsPath() {
        assertThat(normalize(SyncTable.SCHEDULE_DRAWINGS,
                "{\"book_id\":\"nope\",\"view_mode\":7,\"strokes\":{},\"color\":1}")).isNull();
        assertThat(violations).containsExactlyInAnyOrder(
                "changes[0].data.color: unknown field",
                "changes[0].data.book_id: must be a UUID",
                "changes[0].data.date: is required",
                "changes[0].data.view_mode: must be an integer from 0 to 2",
                "changes[0].data.strokes: must be a JSON array");
    }

    @Test
    void textProblemIsNullForStorableText() {
        assertThat(RecordRules.textProblem("")).isNull();
        assertThat(RecordRules.textProblem("Zürich \uD83D\uDE00 \u00a0")).isNull();
        assertThat(RecordRules.textProblem("\u0000")).isEqualTo("must not contain U+0000");
    }
}
