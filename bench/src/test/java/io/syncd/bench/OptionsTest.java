package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.ParameterException;

/** The bench's command line (picocli): what a user types is read as meant, and a mistake is named with the usage. */
class OptionsTest {

    @Test
    void readsTheOptionsOfAProfilingRun() {
        Options options = Options.parse("--only", "2,3", "--no-peer", "--warmup-seconds", "60", "--server-arg",
                "--sync.applier.parallelism=2", "--output", "/tmp/x.json");

        assertThat(options.runs(2)).isTrue();
        assertThat(options.runs(3)).isTrue();
        assertThat(options.runs(1)).isFalse();
        assertThat(options.runs(7)).isFalse();
        assertThat(options.runs(0)).as("the warm-up prepares whichever phases run").isTrue();
        assertThat(options.peer()).isFalse();
        assertThat(options.warmupSeconds()).isEqualTo(60);
        assertThat(options.serverArgs()).containsExactly("--sync.applier.parallelism=2");
        assertThat(options.output()).isEqualTo(Path.of("/tmp/x.json"));
        assertThat(options.randomIds()).as("the SDK's time-ordered ids unless asked").isFalse();
        assertThat(Options.parse("--random-ids").randomIds()).isTrue();
    }

    @Test
    void withoutOptionsItIsTheFullRunOfEveryPhaseWithThePeerIntoLatestJson() {
        Options options = Options.parse();

        assertThat(options.quick()).isFalse();
        assertThat(options.scale()).isEqualTo(1);
        assertThat(options.growth()).isTrue();
        assertThat(options.peer()).isTrue();
        assertThat(options.peerDir()).isEqualTo(Path.of("bench", "peer"));
        assertThat(options.output()).isEqualTo(Path.of("bench", "results", "latest.json"));
        assertThat(options.url()).isNull();
        assertThat(options.adminToken()).isEqualTo("bench");
        assertThat(options.loadSeconds()).isZero();
        assertThat(options.measuredSeconds()).isEqualTo(30);
        assertThat(options.loadWarmupSeconds()).isEqualTo(20);
        assertThat(options.jitWarmupLimitSeconds()).isEqualTo(180);
        assertThat(options.appliers()).isEmpty();
        assertThat(options.jar()).isEqualTo(Path.of("standalone", "target", "sync-standalone.jar"));
        for (int phase = 0; phase <= SyncBench.LAST_PHASE; phase++) {
            assertThat(options.runs(phase)).as("phase %d", phase).isTrue();
        }
    }

    @Test
    void aQuickRunIsAQuarterOfTheFullOneWithoutGrowth() {
        Options options = Options.parse("--quick");

        assertThat(options.scale()).isEqualTo(0.25);
        assertThat(options.growth()).isFalse();
        assertThat(options.measuredSeconds()).isEqualTo(8);
        assertThat(options.jitWarmupLimitSeconds()).isEqualTo(20);
        assertThat(Options.parse("--quick", "--scale", "0.02").scale()).isEqualTo(0.02);
    }

    @Test
    void theScaleOutRunWritesBesideTheFullRunsFigures() {
        Options options = Options.parse("--appliers", "1,2,3", "--jar", "x.jar");

        assertThat(options.appliers()).containsExactly(1, 2, 3);
        assertThat(options.jar()).isEqualTo(Path.of("x.jar"));
        assertThat(options.output()).isEqualTo(Path.of("bench", "results", "scale.json"));
    }

    @Test
    void anUnknownOptionIsNamedWithTheUsageAndExitCode2() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = SyncBench.execute(new String[] {"--quik"}, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--quik'").contains("Usage: sync-bench");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void helpListsEveryOptionAndRunsNothing() {
        StringWriter out = new StringWriter();

        int exit = SyncBench.execute(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: sync-bench", "--quick", "--url", "--no-peer", "--peer-dir", "--output",
                "--only", "--load-seconds", "--warmup-seconds", "--server-arg", "--admin-token", "--random-ids",
                "--appliers", "--jar", "--scale");
    }

    @Test
    void anOptionWithoutItsValueIsNamed() {
        assertThatThrownBy(() -> Options.parse("--quick", "--output"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--output");
    }

    @Test
    void aNumberThatIsNotOneIsRefused() {
        assertThatThrownBy(() -> Options.parse("--load-seconds", "ten"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--load-seconds").hasMessageContaining("ten");
        assertThatThrownBy(() -> Options.parse("--only", "2,x"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--only");
    }

    @Test
    void aPhaseThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> Options.parse("--only", "2,12"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("--only: phases are 1 to 11, got [2, 12]");
        assertThatThrownBy(() -> Options.parse("--only", "0"))
                .isInstanceOf(ParameterException.class);
    }

    @Test
    void theScaleOutRunCannotMeasureAUrlNorRunWithoutAnApplier() {
        assertThatThrownBy(() -> Options.parse("--appliers", "1", "--url", "http://localhost:8080"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("cannot measure --url");
        assertThatThrownBy(() -> Options.parse("--appliers", "0,1"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("at least 1");
    }
}
