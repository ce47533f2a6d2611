package io.syncd.edge.changes;

import io.syncd.common.StrokesFormat;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;

/** Reads {@code strokes_format} (PROTOCOL.md, "Ink encoding (strokes_ink)") from a request body or a query. */
public final class StrokesFormats {
    /** The field (and query parameter) naming the form in which a device receives strokes. */
    public static final String FIELD = "strokes_format";
    private static final String MESSAGE = "must be json or ink";

    private StrokesFormats() {
    }

    /** The body's {@code strokes_format}: JSON when absent; null with a violation when it names no format. */
    public static StrokesFormat read(JsonObject body, Violations violations) {
        String name = body.string(FIELD, false, 0, false);
        if (name == null) {
            return body.has(FIELD) ? null : StrokesFormat.JSON;
        }
        StrokesFormat format = StrokesFormat.fromWireName(name);
        if (format == null) {
            violations.add(body.path(FIELD), MESSAGE);
        }
        return format;
    }

    /** A query's {@code strokes_format}: JSON when absent; 400 when it names no format. */
    public static StrokesFormat fromQuery(String name) {
        if (name == null) {
            return StrokesFormat.JSON;
        }
        StrokesFormat format = StrokesFormat.fromWireName(name);
        if (format == null) {
            throw ApiException.invalid(FIELD, MESSAGE);
        }
        return format;
    }
}
