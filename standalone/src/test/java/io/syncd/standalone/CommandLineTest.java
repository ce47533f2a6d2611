package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void helpAndVersionAreAskedForByTheirFlagsAnywhereOnTheLine() {
        assertThat(CommandLine.request("--help")).isEqualTo(CommandLine.Request.HELP);
        assertThat(CommandLine.request("--server.port=1", "-h")).isEqualTo(CommandLine.Request.HELP);
        assertThat(CommandLine.request("--version")).isEqualTo(CommandLine.Request.VERSION);
        assertThat(CommandLine.request("--server.port=1", "--sync.roles=gateway")).isEqualTo(CommandLine.Request.RUN);
        assertThat(CommandLine.version()).startsWith("syncd ");
    }

    @Test
    void theUsageListsEverySettingReadmeDocumentsWithItsDefault() throws IOException {
        String usage = CommandLine.usage();

        List<String> listed = usage.lines().map(String::strip).filter(l -> l.startsWith("--")).map(l -> l.split(" ")[0])
                .toList();
        assertThat(listed).containsAll(readmeSettings().stream().map(name -> "--" + name).toList());
        assertThat(usage).contains("--sync.data-dir (default ./sync-data)", "--sync.roles (default gateway,applier,projector)",
                "--sync.embedded.kafka-port (default 0)", "--server.port (default 8080)");
        assertThat(usage).as("javadoc markup is left out").doesNotContain("{@code");
    }

    @Test
    void anUnknownSyncSettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> CommandLine.checkSyncSettings("--server.port=0", "--sync.data-dri=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown setting --sync.data-dri:");
        assertThatThrownBy(() -> CommandLine.checkSyncSettings("--sync.gateway"))
                .hasMessageStartingWith("Unknown setting --sync.gateway:");
    }

    @Test
    void everySyncSettingPassesInTheFormsSpringAccepts() {
        assertThatCode(() -> CommandLine.checkSyncSettings("--sync.data-dir=x", "--sync.dataDir=x", "--sync.data_dir=x",
                "--sync.roles[0]=gateway", "--sync.roles=gateway,applier", "--sync.gateway.rate-limit.enabled=true",
                "--sync.admin-token=t", "--sync.embedded.postgres-shared-buffers-mb=64", "--sync.applier.consumers=2",
                "--sync.projector.stats-interval=1s", "--server.port=0", "--anything.else=1", "-h", "positional"))
                .doesNotThrowAnyException();
    }

    /** The names in the first column of README's configuration table; {@code `.username`} continues the name before. */
    private static List<String> readmeSettings() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        List<String> names = new ArrayList<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String line : section.lines().filter(l -> l.startsWith("| `")).toList()) {
            Matcher matcher = code.matcher(line.split("\\|")[1]);
            String first = null;
            while (matcher.find()) {
                String name = matcher.group(1);
                if (first == null) {
                    first = name;
                    names.add(name);
                } else if (name.startsWith(".")) {
                    names.add(first.substring(0, first.lastIndexOf('.')) + name);
                }
            }
        }
        return names;
    }
}
