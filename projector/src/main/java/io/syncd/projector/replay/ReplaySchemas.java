package io.syncd.projector.replay;

import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.syncd.edge.errors.ApiException;

/**
 * The schemas replays write into (a rebuild's named schema, a verify's scratch copy). Each is marked with a comment
 * when it is created, and only a schema so marked is ever replaced or dropped: on a PostgreSQL shared with other
 * applications, a schema of the same name can be someone else's data.
 */
@Component
class ReplaySchemas {
    /** The comment a replay puts on the schemas it creates; the mark that lets a later rebuild replace them. */
    static final String MARK = "syncd replay: made by a rebuild or verify of syncd, which may replace or drop it";

    private static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    ReplaySchemas(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * Why {@code name} cannot be a replay's schema, or null when it can: a lowercase SQL name that needs no quoting
     * (PostgreSQL reserves some, such as {@code user}), and none of PostgreSQL's own schemas or {@code public}.
     */
    String problemWith(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "must be a lowercase SQL name (a-z, 0-9, _; not starting with a digit)";
        }
        if (name.equals("public") || name.equals("information_schema") || name.startsWith("pg_")) {
            return "must not be public, information_schema or pg_* (PostgreSQL's own schemas)";
        }
        String quoted = jdbc.sql("SELECT quote_ident(:name)").param("name", name).query(String.class).single();
        if (!quoted.equals(name)) {
            return "is a word PostgreSQL reserves; choose another name";
        }
        return null;
    }

    /**
     * Creates {@code schema} empty and marked, replacing the schema of an earlier replay of that name. Any other
     * schema of that name is left as it is, and the request is a {@code 409 conflict}.
     */
    void create(String schema) {
        String problem = problemWith(schema);
        if (problem != null) {
            throw new IllegalArgumentException("not a schema name a replay may write: " + schema + " " + problem);
        }
        transaction.executeWithoutResult(status -> {
            Optional<String> existing = comment(schema);
            if (existing.isPresent() && !existing.get().equals(MARK)) {
                throw ApiException.conflict("schema " + schema + " exists and was not made by a rebuild; a rebuild"
                        + " replaces only a schema a rebuild made: choose another name, or drop it yourself");
            }
            jdbc.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
            jdbc.sql("CREATE SCHEMA " + schema).update();
            jdbc.sql("COMMENT ON SCHEMA " + schema + " IS '" + MARK + "'").update();
        });
    }

    /** Drops {@code schema} if a replay made it; any other schema of that name stays. */
    void drop(String schema) {
        if (problemWith(schema) != null) {
            return;
        }
        transaction.executeWithoutResult(status -> {
            if (comment(schema).filter(MARK::equals).isPresent()) {
                jdbc.sql("DROP SCHEMA " + schema + " CASCADE").update();
            }
        });
    }

    /** The schema's comment ("" when it has none), or empty when no schema has that name. */
    private Optional<String> comment(String schema) {
        return jdbc.sql("SELECT coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace"
                + " WHERE nspname = :name").param("name", schema).query(String.class).optional();
    }
}
