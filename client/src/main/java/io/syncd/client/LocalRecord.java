package io.syncd.client;

import tools.jackson.databind.node.ObjectNode;

/**
 * A record of the local store, as the app sees it.
 *
 * @param version the server version the local data is based on (0: never on the server)
 * @param dirty   the local data differs from what the server has decided (an edit waits to be sent, is in flight,
 *                or is an open conflict or rejection)
 * @param data    the record's fields, normalized as the server stores them; null for a deleted record
 */
public record LocalRecord(String table, String recordId, long version, boolean deleted, boolean dirty, ObjectNode data) {
}
