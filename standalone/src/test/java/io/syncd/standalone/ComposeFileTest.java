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
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml gives the servers only properties they know, named roles that exist, and one Kafka and one
 * PostgreSQL for all of them. A misspelled property would otherwise be ignored silently and the default run instead.
 * Secrets reach the containers as files, never on a command line or in the environment, and the admin API is reachable.
 */
class ComposeFileTest {
    /** Names of settings that hold secrets: shown by {@code ps} (arguments) and {@code docker inspect} (both). */
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|token|secret|jaas|credential).*");

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
        Map<String, List<String>> roles = roles();

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
        for (String key : List.of("spring.datasource.url", "spring.datasource.username",
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

    @Test
    void noSecretIsOnACommandLineOrInAnEnvironmentVariable() {
        services().forEach((name, service) -> {
            assertThat(command(service)).as("%s: arguments that set a secret", name)
                    .noneSatisfy(arg -> assertThat(KnownProperties.key(arg)).matches(SECRET));
            environment(service).forEach((variable, value) -> {
                if (SECRET.matcher(variable).matches()) {
                    assertThat(variable).as("%s: a secret's variable names the file that holds it", name)
                            .endsWith("_FILE");
                    assertThat(value).as("%s: %s", name, variable).startsWith("/run/secrets/");
                }
            });
        });
    }

    @Test
    void serverServicesReadTheirSecretsFromFilesNamedForPropertiesTheServerKnows() {
        Map<String, Object> declared = section("secrets");
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        serverServices().forEach((name, service) -> secrets.put(name, secretTargets(service)));

        secrets.forEach((name, targets) -> {
            // Mounted at /run/secrets/<target>, which the image reads as a config tree (DockerfileTest).
            assertThat(targets.keySet()).as("%s: secret files, each named for a property", name)
                    .allSatisfy(target -> assertThat(target).doesNotContain("/")
                            .satisfies(t -> assertThat(known.knows(t)).as("%s is a known property", t).isTrue()));
            assertThat(targets.values()).as("%s: secrets declared at the top level", name)
                    .allSatisfy(source -> assertThat(declared).containsKey(source));
            assertThat(targets).as("%s: the database password", name).containsKey("spring.datasource.password");
        });
        Map<String, Object> postgres = services().get("postgres");
        String initialised = environment(postgres).get("POSTGRES_PASSWORD_FILE").substring("/run/secrets/".length());
        assertThat(secretTargets(postgres)).as("PostgreSQL's own secret files").containsKey(initialised);
        assertThat(secrets.values()).as("every server's password is the one PostgreSQL was initialised with")
                .allSatisfy(targets -> assertThat(targets.get("spring.datasource.password"))
                        .isEqualTo(secretTargets(postgres).get(initialised)));
        roles().forEach((name, roles) -> {
            if (roles.contains("projector") || roles.contains("gateway")) {
                assertThat(secrets.get(name)).as("%s: the admin token", name).containsKey("sync.admin-token");
            }
        });
        assertThat(secrets.values().stream().map(t -> t.get("sync.admin-token")).filter(Objects::nonNull).distinct())
                .as("one admin token for every server").hasSize(1);
    }

    /** The operators' API runs in the projector; docs/OPERATING.md's commands call it at localhost:8081. */
    @Test
    void theProjectorsAdminApiIsPublishedOnTheHostsLoopback() {
        Map<String, List<String>> roles = roles();
        Map<String, Map<String, Object>> projectors = new LinkedHashMap<>();
        serverServices().forEach((name, service) -> {
            if (roles.get(name).contains("projector")) {
                projectors.put(name, service);
            }
        });
        assertThat(projectors).as("services running the projector role").isNotEmpty();
        projectors.forEach((name, service) -> {
            List<String> port = values(command(service), "server.port");
            String serverPort = port.isEmpty() ? "8080" : port.get(0);
            assertThat(ports(service)).as("%s: published ports", name).contains("127.0.0.1:8081:" + serverPort);
        });
    }

    private Map<String, List<String>> roles() {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        serverCommands().forEach((service, command) -> roles.put(service, values(command, "sync.roles").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .toList()));
        return roles;
    }

    /** Target file name (under /run/secrets/) to the secret it holds, of a service's {@code secrets:}. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> secretTargets(Map<String, Object> service) {
        Map<String, String> targets = new LinkedHashMap<>();
        for (Object entry : (List<Object>) service.getOrDefault("secrets", List.of())) {
            if (entry instanceof Map<?, ?> map) {
                String source = String.valueOf(map.get("source"));
                targets.put(String.valueOf(map.containsKey("target") ? map.get("target") : source), source);
            } else {
                targets.put(String.valueOf(entry), String.valueOf(entry));
            }
        }
        return targets;
    }

    /** A service's environment, written as a map or as a list of {@code NAME=value}. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Object environment = service.get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((name, value) -> variables.put(String.valueOf(name), String.valueOf(value)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String text = String.valueOf(entry);
                int eq = text.indexOf('=');
                variables.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            }
        }
        return variables;
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(Map<String, Object> service) {
        return ((List<Object>) service.getOrDefault("ports", List.of())).stream().map(String::valueOf).toList();
    }

    private static List<String> command(Map<String, Object> service) {
        Object command = service.get("command");
        return command == null ? List.of()
                : command instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                : List.of(command.toString().trim().split("\\s+"));
    }

    /** Values of {@code --key=value} arguments whose key, without {@code [index]}, is {@code key}. */
    private static List<String> values(List<String> command, String key) {
        return command.stream()
                .filter(arg -> KnownProperties.key(arg).equals(key))
                .map(arg -> arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "")
                .toList();
    }

    /** The command arguments of each service built from this project (its image is the server jar), by service. */
    private Map<String, List<String>> serverCommands() {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        serverServices().forEach((name, service) -> commands.put(name, command(service)));
        return commands;
    }

    /** The services built from this project (their image is the server jar), by name. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> serverServices() {
        Map<String, Map<String, Object>> servers = new LinkedHashMap<>();
        services().forEach((name, service) -> {
            Object build = service.get("build");
            Object context = build instanceof Map<?, ?> map ? ((Map<String, Object>) map).getOrDefault("context", ".")
                    : build;
            if (context != null && project.resolve(context.toString()).normalize().equals(project)) {
                servers.put(name, service);
            }
        });
        return servers;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) (Map<String, ?>) section("services");
    }

    /** A top-level section of docker-compose.yml ({@code services}, {@code secrets}, …). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(project.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (Map<String, Object>) compose.getOrDefault(name, Map.of());
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
