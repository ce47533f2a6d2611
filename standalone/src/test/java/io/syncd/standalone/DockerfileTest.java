package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The image builds the reactor (every module of the root pom must be copied into it, or the build breaks) from a
 * context without build output or local data, has the tools its health checks call, and reads secrets from files.
 */
class DockerfileTest {
    private final Path root = projectRoot();

    private static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("Dockerfile"))) {
            root = root.getParent();
        }
        return root;
    }

    private String dockerfile() throws IOException {
        // One line per instruction: continuation lines joined.
        return Files.readString(root.resolve("Dockerfile")).replaceAll("\\\\\\r?\\n", " ");
    }

    /** The instructions of the last stage: what the image is made of. */
    private List<String> runtimeStage() throws IOException {
        List<String> lines = dockerfile().lines().map(String::trim).toList();
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        return lines.subList(from, lines.size());
    }

    @Test
    void theImageCopiesEveryModuleOfTheBuild() throws Exception {
        String pom = Files.readString(root.resolve("pom.xml"));
        String dockerfile = dockerfile();
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<String> names = modules.results().map(m -> m.group(1)).toList();

        assertThat(names).contains("standalone");
        for (String module : names) {
            assertThat(dockerfile).as("Dockerfile copies module " + module)
                    .contains("COPY " + module + "/pom.xml " + module + "/")
                    .contains("COPY " + module + "/src " + module + "/src");
        }
    }

    @Test
    void theBuildContextLeavesOutBuildOutputAndLocalDataAtAnyDepth() throws Exception {
        Path ignore = root.resolve(".dockerignore");
        assertThat(ignore).as(".dockerignore beside the Dockerfile").isRegularFile();
        List<String> patterns = Files.readAllLines(ignore).stream().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.endsWith("/") ? line.substring(0, line.length() - 1) : line)
                .toList();

        // "target" alone would match only the root's: every module has its own target/.
        assertThat(patterns).contains("**/target", "**/sync-data", ".git");
        assertThat(patterns).as("nothing the build copies is left out")
                .noneMatch(p -> p.equals("**/src") || p.equals("**/pom.xml") || p.endsWith("/src") || p.equals("src"));
    }

    /** A health check whose command is missing fails for good: the container is never healthy. */
    @Test
    void theImageInstallsWhatItsHealthChecksCall() throws Exception {
        List<String> tools = new ArrayList<>();
        Matcher healthcheck = Pattern.compile("(?m)^HEALTHCHECK .*?\\bCMD\\s+(\\S+)").matcher(dockerfile());
        assertThat(healthcheck.find()).as("the Dockerfile's HEALTHCHECK").isTrue();
        tools.add(healthcheck.group(1));
        tools.addAll(composeHealthCheckTools());

        List<String> installs = runtimeStage().stream()
                .filter(line -> line.startsWith("RUN ") && line.contains("apt-get install")).toList();
        for (String tool : tools) {
            assertThat(installs).as("the image's last stage installs %s", tool)
                    .anySatisfy(run -> assertThat(run).containsPattern("apt-get install[^&;|]*\\s" + tool + "(\\s|$)"));
        }
    }

    /** The first word of the health checks docker-compose.yml gives the services built from this image. */
    @SuppressWarnings("unchecked")
    private List<String> composeHealthCheckTools() throws IOException {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        }
        List<String> tools = new ArrayList<>();
        ((Map<String, Map<String, Object>>) compose.get("services")).forEach((name, service) -> {
            Object healthcheck = service.get("healthcheck");
            if (service.containsKey("build") && healthcheck instanceof Map<?, ?> check
                    && check.get("test") instanceof List<?> test) {
                String first = String.valueOf(test.get(0));
                tools.add(first.equals("CMD-SHELL") ? String.valueOf(test.get(1)).trim().split("\\s+")[0]
                        : String.valueOf(test.get(1)));
            }
        });
        assertThat(tools).as("health checks of the services built from this image").isNotEmpty();
        return tools;
    }

    /** docker-compose.yml mounts secrets at /run/secrets/<property>; the server must read them there. */
    @Test
    void theImageReadsEachFileUnderRunSecretsAsTheValueOfThePropertyItIsNamedFor() throws Exception {
        assertThat(runtimeStage()).contains("ENV SPRING_CONFIG_IMPORT=optional:configtree:/run/secrets/");
    }
}
