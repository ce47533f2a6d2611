package io.syncd.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The protocol's result of one change (PROTOCOL.md, "Push"), as Jackson writes it for the gateway's answers and the
 * command line's output. A null field is left out; {@code server_record} is written as {@code null} when it is
 * {@link NullNode} (a conflict or a {@code use_server} whose record does not exist), which the protocol tells apart
 * from no {@code server_record} at all.
 *
 * @param version      the record's version once applied; null otherwise
 * @param serverRecord the server's record for a conflict or an applied {@code use_server}; null for none
 * @param error        why a change was rejected; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"change_id", "status", "table", "record_id", "version", "server_record", "error"})
public record ChangeResult(@JsonProperty("change_id") String changeId, String status, String table,
                           @JsonProperty("record_id") String recordId, Long version,
                           @JsonProperty("server_record") JsonNode serverRecord, Error error) {
    /** The rejection of a change that would alter a record's parent field (PROTOCOL.md, "Push"). */
    public static final String IMMUTABLE_FIELD = "immutable_field";

    /**
     * Why a change was rejected: {@code code} and {@code message} are always written, even when null.
     *
     * @param field the data field the rejection is about ({@code immutable_field}: the table's parent field); left out
     *              when null
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"code", "message", "field"})
    public record Error(String code, String message,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String field) {

        public Error(String code, String message) {
            this(code, message, null);
        }

        /** The error as the protocol words it for a change of {@code table}: {@code immutable_field} names the field. */
        public static Error of(SyncTable table, String code, String message) {
            return new Error(code, message, IMMUTABLE_FIELD.equals(code) && table != null ? table.parentField() : null);
        }
    }

    /** This result as a device of {@code format} receives it: its {@code server_record}'s strokes in that form. */
    public ChangeResult in(StrokesFormat format) {
        if (serverRecord == null || format == StrokesFormat.INK || serverRecord.isNull()) {
            return this;
        }
        return new ChangeResult(changeId, status, table, recordId, version, format.presentEnvelope(serverRecord.deepCopy()),
                error);
    }

    /** {@code record} as {@code server_record}: a JSON null when there is no such record. */
    public static JsonNode serverRecord(JsonNode record) {
        return record == null ? NullNode.getInstance() : record;
    }
}
