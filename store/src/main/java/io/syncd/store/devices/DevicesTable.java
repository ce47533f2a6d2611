package io.syncd.store.devices;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The SQL for {@code devices}. */
public class DevicesTable {
    private static final String COLUMNS = "id, account_id, device_name, platform, registered_at, last_sync_at, revoked_at";

    private final JdbcClient jdbc;

    public DevicesTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What authentication needs of an active device. */
    public record Credential(UUID deviceId, UUID accountId, byte[] tokenHash) {
    }

    /** A device as stored. */
    public record DeviceRow(UUID id, UUID accountId, String deviceName, String platform, Instant registeredAt,
                            Instant lastSyncAt, Instant revokedAt) {
    }

    public Optional<Credential> findActiveCredential(UUID deviceId) {
        return jdbc.sql("SELECT id, account_id, token_hash FROM devices WHERE id = :id AND revoked_at IS NULL")
                .param("id", deviceId)
                .query((rs, n) -> new Credential(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBytes(3)))
                .optional();
    }

    public DeviceRow insert(UUID id, UUID accountId, String name, String platform, byte[] tokenHash) {
        return jdbc.sql("INSERT INTO devices (id, account_id, device_name, platform, token_hash) "
                        + "VALUES (:id, :account, :name, :platform, :hash) RETURNING " + COLUMNS)
                .param("id", id).param("account", accountId).param("name", name).param("platform", platform)
                .param("hash", tokenHash)
                .query(DevicesTable::row).single();
    }

    public Optional<DeviceRow> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM devices WHERE id = :id AND account_id = :account")
                .param("id", id).param("account", accountId)
                .query(DevicesTable::row).optional();
    }

    public List<DeviceRow> list(UUID accountId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM devices WHERE account_id = :account ORDER BY registered_at, id")
                .param("account", accountId)
                .query(DevicesTable::row).list();
    }

    /** Revokes the device; false when the account has no such active device. */
    public boolean revoke(UUID accountId, UUID id) {
        return jdbc.sql("UPDATE devices SET revoked_at = now() WHERE id = :id AND account_id = :account AND revoked_at IS NULL")
                .param("id", id).param("account", accountId).update() == 1;
    }

    /** Revokes every active device of the account in one statement ("sign out everywhere"); answers their ids. */
    public List<UUID> revokeAll(UUID accountId) {
        return jdbc.sql("UPDATE devices SET revoked_at = now() WHERE account_id = :account AND revoked_at IS NULL"
                        + " RETURNING id")
                .param("account", accountId).query(UUID.class).list();
    }

    /**
     * Sets the device's last sync to now, unless it was set in the last minute: a device that polls every second
     * would otherwise cost a durable write (a WAL flush) on every pull.
     */
    public void touchLastSync(UUID id) {
        jdbc.sql("UPDATE devices SET last_sync_at = now() WHERE id = :id"
                + " AND (last_sync_at IS NULL OR last_sync_at < now() - interval '1 minute')").param("id", id).update();
    }

    private static DeviceRow row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new DeviceRow(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class),
                rs.getString("device_name"), rs.getString("platform"), instant(rs, "registered_at"),
                instant(rs, "last_sync_at"), instant(rs, "revoked_at"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.withOffsetSameInstant(ZoneOffset.UTC).toInstant();
    }

    /** Which of these devices are revoked (a device that no longer exists counts as revoked). */
    public Set<UUID> revokedAmong(Collection<UUID> ids) {
        Set<UUID> revoked = new HashSet<>(ids);
        jdbc.sql("SELECT id FROM devices WHERE id = ANY(CAST(:ids AS uuid[])) AND revoked_at IS NULL")
                .param("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
                .query(UUID.class).list().forEach(revoked::remove);
        return revoked;
    }
}
