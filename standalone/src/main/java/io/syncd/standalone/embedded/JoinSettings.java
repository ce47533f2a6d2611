package io.syncd.standalone.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings that point the roles at an embedded PostgreSQL and Kafka: their addresses, the PostgreSQL password and
 * the Kafka SASL login. The process that embeds them runs on these settings, and writes them to an owner-only file of
 * its data folder ({@link #FILE}) that other processes on the machine join it with
 * ({@code --spring.config.import=file:<data-dir>/join.properties}), so no secret goes on a command line.
 */
public final class JoinSettings {
    public static final String FILE = "join.properties";

    private JoinSettings() {
    }

    /** The Spring settings of {@code database} and {@code kafka}; either may be null (not embedded). */
    public static Map<String, String> of(EmbeddedDatabase database, EmbeddedKafka kafka) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (database != null) {
            settings.put("spring.datasource.url", database.jdbcUrl());
            settings.put("spring.datasource.username", database.username());
            settings.put("spring.datasource.password", database.password());
        }
        if (kafka != null) {
            Map<String, Object> client = kafka.clientProperties();
            settings.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            settings.put("spring.kafka.security.protocol", (String) client.get("security.protocol"));
            settings.put("spring.kafka.properties.sasl.mechanism", (String) client.get("sasl.mechanism"));
            settings.put("spring.kafka.properties.sasl.jaas.config", (String) client.get("sasl.jaas.config"));
        }
        return settings;
    }

    /** Writes {@code settings} to {@code file} as properties, readable by its owner only. */
    public static void write(Path file, Map<String, String> settings) {
        StringBuilder text = new StringBuilder("# How another process joins the embedded servers of the server on this data"
                + " folder:\n# --spring.config.import=file:" + file + "\n# Rewritten at every start of that server.\n");
        settings.forEach((name, value) -> {
            if (value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException(name + " cannot be written as a property: it holds a line break");
            }
            // A backslash is the properties format's one escape character; nothing else here needs one.
            text.append(name).append('=').append(value.replace("\\", "\\\\")).append('\n');
        });
        OwnerOnly.write(file, text.toString());
    }
}
