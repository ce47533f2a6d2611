package io.syncd.store.accounts;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The gateway's SQL for {@code accounts}. */
public class AccountsTable {
    private final JdbcClient jdbc;

    public AccountsTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, String name, byte[] enrollmentKeyHash) {
        jdbc.sql("INSERT INTO accounts (id, name, enrollment_key_hash) VALUES (:id, :name, :hash)")
                .param("id", id).param("name", name).param("hash", enrollmentKeyHash).update();
    }

    public Optional<byte[]> enrollmentKeyHash(UUID id) {
        return jdbc.sql("SELECT enrollment_key_hash FROM accounts WHERE id = :id")
                .param("id", id).query(byte[].class).optional();
    }

    /** The account's committed change sequence: every position up to it is committed. */
    public long changeSequence(UUID id) {
        return jdbc.sql("SELECT change_seq FROM accounts WHERE id = :id").param("id", id).query(Long.class).single();
    }
}
