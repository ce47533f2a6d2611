package io.syncd.client;

import tools.jackson.databind.node.ObjectNode;

/**
 * The server's decision on one change, as the protocol's result object.
 *
 * @param status       {@code applied}, {@code conflict}, {@code rejected} or {@code pending}
 * @param version      the record's version once applied; null otherwise
 * @param serverRecord the server's record for a conflict or a {@code use_server} resolution
 * @param errorCode    the rejection's code; null otherwise
 */
public record ChangeResult(String changeId, String status, String table, String recordId, Long version,
                           ObjectNode serverRecord, String errorCode, String errorMessage) {
}
