package io.syncd.client.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.syncd.client.ChangeResult;
import io.syncd.client.Conflict;
import io.syncd.client.Device;
import io.syncd.client.LocalRecord;
import io.syncd.client.PendingBookRemoval;
import io.syncd.client.Rejection;
import io.syncd.client.SyncReport;
import io.syncd.client.SyncStatus;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The command line's JSON shapes: field names and order are its contract (docs/SDK.md, "Command line"). */
final class CliJson {
    private CliJson() {
    }

    static ObjectNode record(LocalRecord record) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("table", record.table());
        json.put("record_id", record.recordId());
        json.put("version", record.version());
        json.put("is_deleted", record.deleted());
        json.put("is_dirty", record.dirty());
        json.set("data", record.data());
        return json;
    }

    /** One remote change, as {@code watch} prints it. */
    static ObjectNode change(io.syncd.client.RemoteChanges.Change change) {
        return Json.MAPPER.createObjectNode().put("table", change.table()).put("record_id", change.recordId())
                .put("version", change.version()).put("is_deleted", change.deleted());
    }

    static ArrayNode records(List<LocalRecord> records) {
        ArrayNode json = Json.MAPPER.createArrayNode();
        records.forEach(r -> json.add(record(r)));
        return json;
    }

    static ObjectNode report(SyncReport report) {
        return Json.MAPPER.createObjectNode().put("pushed", report.pushed()).put("applied", report.applied())
                .put("conflicts", report.conflicts()).put("rejected", report.rejected()).put("pending", report.pending())
                .put("pulled", report.pulled());
    }

    static ArrayNode conflicts(List<Conflict> conflicts) {
        ArrayNode json = Json.MAPPER.createArrayNode();
        for (Conflict conflict : conflicts) {
            ObjectNode item = json.addObject();
            item.put("change_id", conflict.changeId());
            item.put("table", conflict.table());
            item.put("record_id", conflict.recordId());
            item.set("local_data", conflict.localData());
            item.set("server_record", conflict.serverRecord());
        }
        return json;
    }

    static ArrayNode rejections(List<Rejection> rejections) {
        ArrayNode json = Json.MAPPER.createArrayNode();
        for (Rejection rejection : rejections) {
            ObjectNode item = json.addObject();
            item.put("change_id", rejection.changeId());
            item.put("table", rejection.table());
            item.put("record_id", rejection.recordId());
            item.put("code", rejection.code());
            item.put("message", rejection.message());
            if (rejection.field() != null) {
                item.put("field", rejection.field());
            }
            item.set("local_data", rejection.localData());
        }
        return json;
    }

    /** The protocol's result object, as the server writes it. */
    static ObjectNode result(ChangeResult result) {
        JsonNode serverRecord = result.serverRecord() != null || "conflict".equals(result.status())
                ? io.syncd.common.ChangeResult.serverRecord(result.serverRecord()) : null;
        io.syncd.common.ChangeResult.Error error = result.errorCode() == null ? null
                : io.syncd.common.ChangeResult.Error.of(SyncTable.fromWireName(result.table()).orElse(null),
                        result.errorCode(), result.errorMessage());
        return Json.MAPPER.valueToTree(new io.syncd.common.ChangeResult(result.changeId(), result.status(),
                result.table(), result.recordId(), result.version(), serverRecord, error));
    }

    /** {@link SyncStatus}'s fields, in its order. */
    static ObjectNode status(SyncStatus status) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("device_id", status.deviceId());
        json.put("account_id", status.accountId());
        json.put("server", status.server());
        json.put("dirty", status.dirty());
        json.put("outbox", status.outbox());
        json.put("conflicts", status.conflicts());
        json.put("rejections", status.rejections());
        json.put("last_sync_at", text(status.lastSyncAt()));
        ArrayNode pending = json.putArray("books_pending_removal");
        for (PendingBookRemoval removal : status.booksPendingRemoval()) {
            pending.addObject().put("book_id", removal.bookId()).put("reason", removal.reason());
        }
        return json;
    }

    /** Every book with its mark; {@code subscribed} null: every book is synced. */
    static ArrayNode books(List<LocalRecord> books, Set<String> unknownSubscribed, Set<String> subscribed,
                           Map<String, PendingBookRemoval> pending) {
        ArrayNode json = Json.MAPPER.createArrayNode();
        for (LocalRecord book : books) {
            book(json, book.recordId(), book.data().path("name").stringValue(), subscribed, pending);
        }
        for (String id : unknownSubscribed) {
            book(json, id, null, subscribed, pending);
        }
        return json;
    }

    private static void book(ArrayNode json, String id, String name, Set<String> subscribed,
                             Map<String, PendingBookRemoval> pending) {
        ObjectNode item = json.addObject();
        item.put("book_id", id);
        item.put("name", name);
        item.put("subscribed", subscribed == null || subscribed.contains(id));
        PendingBookRemoval removal = pending.get(id);
        item.put("pending_removal", removal == null ? null : removal.reason());
    }

    /** The books now subscribed: {@code every_book} true (and {@code books} null) by default. */
    static ObjectNode subscribed(Optional<Set<UUID>> subscribed) {
        ObjectNode json = Json.MAPPER.createObjectNode().put("every_book", subscribed.isEmpty());
        if (subscribed.isEmpty()) {
            json.putNull("books");
        } else {
            ArrayNode books = json.putArray("books");
            subscribed.get().stream().map(UUID::toString).sorted().forEach(books::add);
        }
        return json;
    }

    /** The protocol's device objects, and whether each is this store's own. */
    static ArrayNode devices(List<Device> devices, String ownDeviceId) {
        ArrayNode json = Json.MAPPER.createArrayNode();
        for (Device device : devices) {
            ObjectNode item = json.addObject();
            item.put("device_id", device.deviceId());
            item.put("account_id", device.accountId());
            item.put("device_name", device.deviceName());
            item.put("platform", device.platform());
            item.put("registered_at", text(device.registeredAt()));
            item.put("last_sync_at", text(device.lastSyncAt()));
            item.put("is_active", device.active());
            item.put("this_device", device.deviceId().equals(ownDeviceId));
        }
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
