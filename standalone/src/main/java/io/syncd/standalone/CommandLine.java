package io.syncd.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/**
 * The server's command line before Spring reads it: {@code --help} and {@code --version}, and {@code --sync.*}
 * settings that name no setting (Spring would ignore them silently). The {@code sync.*} settings are those the
 * modules' configuration records declare, read from the metadata their build generates, so the check and the usage
 * follow them; the few Spring settings README documents are listed here.
 */
final class CommandLine {
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final List<Setting> SPRING_SETTINGS = List.of(
            new Setting("server.port", "8080", "HTTP port"),
            new Setting("spring.config.import", null, "file:DIR/join.properties joins the embedded PostgreSQL and Kafka "
                    + "of the server whose data folder is DIR (addresses and secrets, which that server writes there)"),
            new Setting("spring.datasource.url", "embedded", "an external PostgreSQL; when set, none is embedded"),
            new Setting("spring.datasource.username", null, "its user"),
            new Setting("spring.datasource.password", null, "its password (SPRING_DATASOURCE_PASSWORD keeps it off the "
                    + "command line)"),
            new Setting("spring.kafka.bootstrap-servers", "embedded", "an external Kafka; when set, none is embedded "
                    + "(spring.kafka.* also takes security settings)"),
            new Setting("spring.kafka.producer.compression-type", "lz4", "how change events are compressed on Kafka"),
            new Setting("server.ssl.enabled", "false", "HTTPS on server.port, with the next four (docs/OPERATING.md, TLS)"),
            new Setting("server.ssl.key-store", null, "the keystore file"),
            new Setting("server.ssl.key-store-type", null, "PKCS12 or JKS"),
            new Setting("server.ssl.key-store-password", null, "its password (SERVER_SSL_KEY_STORE_PASSWORD keeps it off "
                    + "the command line)"),
            new Setting("server.ssl.key-alias", null, "the key's alias"),
            new Setting("management.server.port", "server.port", "serve /metrics on this port instead; -1: no metrics "
                    + "over HTTP"));

    /** What the command line asks for. */
    enum Request { HELP, VERSION, RUN }

    private record Setting(String name, String defaultValue, String description) {
    }

    private CommandLine() {
    }

    static Request request(String... args) {
        List<String> all = List.of(args);
        if (all.contains("--help") || all.contains("-h")) {
            return Request.HELP;
        }
        return all.contains("--version") ? Request.VERSION : Request.RUN;
    }

    /** Refuses a {@code --sync.*} argument that names no setting, naming it. */
    static void checkSyncSettings(String... args) {
        Map<String, Setting> known = syncSettings();
        if (known.isEmpty()) {
            return; // no metadata on this class path (a build without the configuration processor): nothing to check
        }
        List<String> normalized = known.keySet().stream().map(CommandLine::normalize).toList();
        for (String arg : args) {
            if (!arg.startsWith("--sync.")) {
                continue;
            }
            String name = arg.substring(2).split("=", 2)[0];
            if (!normalized.contains(normalize(name))) {
                throw new IllegalArgumentException("Unknown setting --" + name + ": there is no such sync.* setting "
                        + "(java -jar sync-standalone.jar --help lists them)");
            }
        }
    }

    /** Spring's relaxed names: case, dashes and underscores aside, and list indexes ({@code sync.roles[0]}) dropped. */
    private static String normalize(String name) {
        return name.replaceAll("\\[[^]]*]", "").replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    static String version() {
        String version = SyncApplication.class.getPackage().getImplementationVersion();
        return "syncd " + (version == null ? "(a development build)" : version) + System.lineSeparator();
    }

    static String usage() {
        StringBuilder text = new StringBuilder("""
                Usage: java -jar sync-standalone.jar [--NAME=VALUE ...]
                       java -jar sync-standalone.jar --help | --version

                Starts the sync server: the roles of sync.roles, on an embedded PostgreSQL and Kafka that keep their data
                in sync.data-dir (owned by this process alone), unless spring.datasource.url and
                spring.kafka.bootstrap-servers name others. Every setting may also be given in the environment
                (SYNC_GATEWAY_DECISION_WAIT=2s for --sync.gateway.decision-wait=2s). README.md says more.

                Settings (--NAME=VALUE):
                """);
        List<Setting> all = new ArrayList<>(SPRING_SETTINGS);
        all.addAll(syncSettings().values());
        for (Setting setting : all) {
            text.append("  --").append(setting.name());
            if (setting.defaultValue() != null) {
                text.append(" (default ").append(setting.defaultValue()).append(')');
            }
            text.append(System.lineSeparator()).append("        ").append(setting.description()).append(System.lineSeparator());
        }
        return text.toString().replace("\n", System.lineSeparator());
    }

    /** The {@code sync.*} settings of every module on the class path, by name. */
    private static Map<String, Setting> syncSettings() {
        Map<String, Setting> settings = new TreeMap<>();
        try {
            for (URL url : Collections.list(CommandLine.class.getClassLoader().getResources(METADATA))) {
                try (InputStream in = url.openStream()) {
                    JsonNode properties = Json.MAPPER.readTree(in).path("properties");
                    for (JsonNode property : properties) {
                        String name = property.path("name").asString();
                        if (name.startsWith("sync.") && !settings.containsKey(name)) {
                            settings.put(name, new Setting(name, defaultValue(property.get("defaultValue")),
                                    plain(property.path("description").asString())));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the settings' metadata (" + METADATA + ")", e);
        }
        return settings;
    }

    private static String defaultValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            return String.join(",", items);
        }
        String text = value.asString();
        // A list's default is written as Java prints one; the command line takes it comma-separated.
        return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1).replace(", ", ",") : text;
    }

    /** Javadoc's markup out of a description: {@code {@code open}} reads {@code open}. */
    private static String plain(String description) {
        return description.replaceAll("\\{@(?:code|link|literal) ([^}]*)}", "$1").replaceAll("\\s+", " ").strip();
    }
}
