package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The image builds the reactor: every module of the root pom must be copied into it, or the build breaks. */
class DockerfileTest {

    @Test
    void theImageCopiesEveryModuleOfTheBuild() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("Dockerfile"))) {
            root = root.getParent();
        }
        String pom = Files.readString(root.resolve("pom.xml"));
        String dockerfile = Files.readString(root.resolve("Dockerfile"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<String> names = modules.results().map(m -> m.group(1)).toList();

        assertThat(names).contains("standalone");
        for (String module : names) {
            assertThat(dockerfile).as("Dockerfile copies module " + module)
                    .contains("COPY " + module + "/pom.xml " + module + "/")
                    .contains("COPY " + module + "/src " + module + "/src");
        }
    }
}
