package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The bench's command line: what a user types is read as meant, and a mistake is named with the usage. */
class OptionsTest {

    @Test
    void readsTheOptionsOfAProfilingRun() {
        Options options = Options.parse("--only", "2,3", "--no-peer", "--warmup-seconds", "60", "--server-arg",
                "--sync.applier.parallelism=2", "--output", "/tmp/x.json");

        assertThat(options.runs(2)).isTrue();
        assertThat(options.runs(1)).isFalse();
        assertThat(options.peer()).isFalse();
        assertThat(options.warmupSeconds()).isEqualTo(60);
        assertThat(options.serverArgs()).containsExactly("--sync.applier.parallelism=2");
        assertThat(options.output()).isEqualTo(Path.of("/tmp/x.json"));
        assertThat(options.randomIds()).as("the SDK's time-ordered ids unless asked").isFalse();
        assertThat(Options.parse("--random-ids").randomIds()).isTrue();
    }

    @Test
    void anUnknownOptionIsNamedWithTheUsage() {
        assertThatThrownBy(() -> Options.parse("--quik"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --quik")
                .hasMessageContaining("usage: sync-bench");
    }

    @Test
    void anOptionWithoutItsValueIsNamed() {
        assertThatThrownBy(() -> Options.parse("--quick", "--output"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--output needs a value");
    }

    @Test
    void aNumberThatIsNotOneIsRefused() {
        assertThatThrownBy(() -> Options.parse("--load-seconds", "ten"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
