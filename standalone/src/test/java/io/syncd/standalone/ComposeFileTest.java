package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml gives the servers only properties they know, named roles that exist, and one Kafka and one
 * PostgreSQL for all of them. A misspelled property would otherwise be ignored silently and the default run instead.
 */
class ComposeFileTest {
    private final Path project = projectRoot();
    private final KnownProperties known = KnownProperties.fromClasspath();

    @Test
    void serverServicesPassOnlyPropertiesTheServerKnows() {
        Map<String, List<String>> servers = serverCommands();
        assertThat(servers).as("services built from this project").isNotEmpty();
        servers.forEach((service, command) -> {
            assertThat(command).as("%s: every argument is --property=value", service)
                    .allSatisfy(arg -> assertThat(arg).matches("--[^=]+=.*"));
            assertThat(known.unknownKeys(command)).as("%s: properties no metadata on the classpath declares", service)
                    .isEmpty();
        });
    }

    @Test
    void theCheckRejectsAMisspelledPropertyAndKeepsMapEntries() {
        List<String> command = List.of("--sync.roles=gateway", "--sync.gatway.decision-wait=5s",
                "--sync.gateway.decision-wait=5s", "--spring.kafka.propertiesx=1",
                "--spring.kafka.properties.sasl.mechanism=PLAIN", "--spring.kafka.properties[security.protocol]=SASL_SSL",
                "--sync.roles[0]=gateway", "--server.port=8080");

        assertThat(known.unknownKeys(command)).containsExactly("sync.gatway.decision-wait", "spring.kafka.propertiesx");
    }

    @Test
    void serverServicesRunKnownRolesWithAGatewayAndAtLeastTwoAppliers() {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        serverCommands().forEach((service, command) -> roles.put(service, values(command, "sync.roles").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .toList()));

        roles.forEach((service, named) -> assertThat(named)
                .as("%s: --sync.roles is set (left out, a process runs every role) and names known roles", service)
                .isNotEmpty()
                .allSatisfy(role -> assertThat(Roles.KNOWN).contains(role)));
        assertThat(roles.entrySet()).filteredOn(e -> e.getValue().contains("gateway")).as("gateway services")
                .isNotEmpty();
        assertThat(roles.entrySet()).filteredOn(e -> e.getValue().contains("applier"))
                .as("applier services: at least two, so partitions spread over a consumer group")
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void serverServicesShareOneDatabaseOneKafkaAndOneTopicLayout() {
        Map<String, List<String>> servers = serverCommands();
        for (String key : List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                "spring.kafka.bootstrap-servers")) {
            Map<String, List<String>> byService = new LinkedHashMap<>();
            servers.forEach((service, command) -> byService.put(service, values(command, key)));
            assertThat(byService).as("--%s of each server service", key)
                    .allSatisfy((service, values) -> assertThat(values).as(service).hasSize(1));
            assertThat(byService.values().stream().map(values -> values.get(0)).distinct())
                    .as("--%s is the same for every server service: %s", key, byService).hasSize(1);
        }
        // Every server creates the topics that are missing when it starts, whichever role it runs.
        Map<String, Set<String>> topics = new LinkedHashMap<>();
        servers.forEach((service, command) -> topics.put(service, new TreeSet<>(command.stream()
                .filter(arg -> arg.startsWith("--sync.topics.")).toList())));
        assertThat(new HashSet<>(topics.values())).as("--sync.topics.* is the same for every server: %s", topics)
                .hasSize(1);
    }

    /** Values of {@code --key=value} arguments whose key, without {@code [index]}, is {@code key}. */
    private static List<String> values(List<String> command, String key) {
        return command.stream()
                .filter(arg -> KnownProperties.key(arg).equals(key))
                .map(arg -> arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "")
                .toList();
    }

    /** The command arguments of each service built from this project (its image is the server jar), by service. */
    @SuppressWarnings("unchecked")
    private Map<String, List<String>> serverCommands() {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(project.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> commands = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) compose.get("services")).forEach((name, service) -> {
            Object build = service.get("build");
            Object context = build instanceof Map<?, ?> map ? ((Map<String, Object>) map).getOrDefault("context", ".")
                    : build;
            if (context != null && project.resolve(context.toString()).normalize().equals(project)) {
                Object command = service.get("command");
                commands.put(name, command == null ? List.of()
                        : command instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                        : List.of(command.toString().trim().split("\\s+")));
            }
        });
        return commands;
    }

    /** The nearest folder above the working directory (the module under surefire) that holds the standalone module. */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("standalone").resolve("pom.xml"))) {
                assertThat(dir.resolve("docker-compose.yml")).as("docker-compose.yml beside the root pom").isRegularFile();
                return dir;
            }
        }
        throw new AssertionError("No project root (a folder with standalone/pom.xml) above " + Path.of("").toAbsolutePath());
    }

    /**
     * The properties the configuration metadata on the classpath declares: ours, generated by
     * spring-boot-configuration-processor from the {@code @ConfigurationProperties} records, and Spring Boot's.
     */
    private record KnownProperties(Set<String> names, Set<String> maps) {
        private static final List<String> RESOURCES = List.of("META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json");

        static KnownProperties fromClasspath() {
            Set<String> names = new HashSet<>();
            Set<String> maps = new HashSet<>();
            JsonMapper json = new JsonMapper();
            ClassLoader loader = ComposeFileTest.class.getClassLoader();
            for (String resource : RESOURCES) {
                for (URL url : urls(loader, resource)) {
                    try (InputStream in = url.openStream()) {
                        JsonNode properties = json.readTree(in).get("properties");
                        if (properties == null) {
                            continue;
                        }
                        for (JsonNode property : properties) {
                            JsonNode deprecation = property.get("deprecation");
                            JsonNode level = deprecation == null ? null : deprecation.get("level");
                            if (level != null && "error".equals(level.stringValue())) {
                                continue; // declared only to say it is no longer bound
                            }
                            String name = property.get("name").stringValue();
                            names.add(name);
                            JsonNode type = property.get("type");
                            if (type != null && type.stringValue().contains("java.util.Map")) {
                                maps.add(name);
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("Cannot read " + url, e);
                    }
                }
            }
            assertThat(names).as("metadata of our records (spring-boot-configuration-processor) and of Spring Boot")
                    .contains("sync.roles", "sync.admin-token", "sync.gateway.decision-wait", "sync.applier.consumers",
                            "spring.datasource.url", "spring.kafka.bootstrap-servers", "server.port");
            return new KnownProperties(names, maps);
        }

        private static List<URL> urls(ClassLoader loader, String resource) {
            try {
                Enumeration<URL> urls = loader.getResources(resource);
                return Collections.list(urls);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The property an argument sets: {@code --a.b[0]=v} and {@code --a.b[k]=v} set {@code a.b}. */
        static String key(String arg) {
            String option = arg.startsWith("--") ? arg.substring(2) : arg;
            int eq = option.indexOf('=');
            return (eq < 0 ? option : option.substring(0, eq)).replaceAll("\\[[^]]*]", "");
        }

        boolean knows(String key) {
            return names.contains(key) || maps.stream().anyMatch(map -> key.startsWith(map + "."));
        }

        /** Keys of the {@code --key=value} arguments no metadata declares, in argument order. */
        List<String> unknownKeys(List<String> command) {
            return command.stream().map(KnownProperties::key).filter(key -> !knows(key)).toList();
        }
    }
}
