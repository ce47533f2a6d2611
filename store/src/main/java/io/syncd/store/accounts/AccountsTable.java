package io.syncd.store.accounts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The SQL for {@code accounts} outside the applier's transaction (the applier's is {@link AccountSequences}): creating
 * an account, its enrollment key, and the change sequence that orders its pulls.
 */
public class AccountsTable {
    private final JdbcClient jdbc;

    /**
     * What a pull cursor is checked against: the account's sequence and the database's identity (V7__server_identity).
     *
     * @param changeSeq the account's last committed position
     */
    public record PullOrigin(long changeSeq, UUID databaseId, byte[] cursorKey) {
    }

    /** An account as operators see it (never its enrollment key's hash). */
    public record AccountRow(UUID id, String name, Instant createdAt, long changeSeq, int devices, int activeDevices) {
    }

    private static final String ROW = """
            SELECT a.id, a.name, a.created_at, a.change_seq,
                   (SELECT count(*) FROM devices d WHERE d.account_id = a.id) AS devices,
                   (SELECT count(*) FROM devices d WHERE d.account_id = a.id AND d.revoked_at IS NULL) AS active_devices
            FROM accounts a""";

    public AccountsTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<AccountRow> find(UUID id) {
        return jdbc.sql(ROW + " WHERE a.id = :id").param("id", id).query(AccountsTable::row).optional();
    }

    /**
     * Accounts whose name contains {@code text} (any case), newest first. A scan of {@code accounts}: for an
     * operator's search now and then, not for a device's request.
     */
    public List<AccountRow> searchByName(String text, int limit) {
        String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.sql(ROW + " WHERE a.name ILIKE :pattern ORDER BY a.created_at DESC, a.id LIMIT :limit")
                .param("pattern", pattern).param("limit", limit).query(AccountsTable::row).list();
    }

    private static AccountRow row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AccountRow(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getLong("change_seq"),
                rs.getInt("devices"), rs.getInt("active_devices"));
    }

    public void insert(UUID id, String name, byte[] enrollmentKeyHash) {
        jdbc.sql("INSERT INTO accounts (id, name, enrollment_key_hash) VALUES (:id, :name, :hash)")
                .param("id", id).param("name", name).param("hash", enrollmentKeyHash).update();
    }

    public boolean exists(UUID id) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = :id)").param("id", id)
                .query(Boolean.class).single();
    }

    public Optional<byte[]> enrollmentKeyHash(UUID id) {
        return jdbc.sql("SELECT enrollment_key_hash FROM accounts WHERE id = :id")
                .param("id", id).query(byte[].class).optional();
    }

    /**
     * Replaces the account's enrollment key by a new one in one statement: from its commit on, only the new key
     * registers devices. False when there is no such account.
     */
    public boolean replaceEnrollmentKey(UUID id, byte[] enrollmentKeyHash) {
        return jdbc.sql("UPDATE accounts SET enrollment_key_hash = :hash WHERE id = :id")
                .param("id", id).param("hash", enrollmentKeyHash).update() == 1;
    }

    /** The account's committed change sequence: every position up to it is committed. */
    public long changeSequence(UUID id) {
        return jdbc.sql("SELECT change_seq FROM accounts WHERE id = :id").param("id", id).query(Long.class).single();
    }

    /** The account's sequence with the server's identity, read together so a cursor is checked against one moment. */
    public PullOrigin pullOrigin(UUID id) {
        return jdbc.sql("SELECT a.change_seq, i.database_id, i.cursor_key FROM accounts a CROSS JOIN server_identity i"
                        + " WHERE a.id = :id")
                .param("id", id)
                .query((rs, n) -> new PullOrigin(rs.getLong(1), rs.getObject(2, UUID.class), rs.getBytes(3)))
                .single();
    }

    /** Copies every account's id into the {@code accounts} table of another schema (a replay's scratch schema). */
    public void copyIdsInto(String schema) {
        jdbc.sql("INSERT INTO " + schema + ".accounts (id) SELECT id FROM public.accounts").update();
    }
}
