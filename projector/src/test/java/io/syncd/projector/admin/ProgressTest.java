package io.syncd.projector.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a long job's progress line tells the operator. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aKnownTotalGivesShareRateAndTimeLeft() {
        try (Progress progress = new Progress(LoggerFactory.getLogger(ProgressTest.class), "verify", 200_000)) {
            progress.advance(50_000);

            assertThat(progress.describe(10 * SECOND))
                    .isEqualTo("50,000 of 200,000 changes (25 %), 5,000 changes/s, about 30s left");
            assertThat(progress.describe(100 * SECOND)).endsWith("500 changes/s, about 5m left");
        }
    }

    @Test
    void aJobIsListedAsRunningWithHowFarItCameUntilItIsClosed() {
        String job = "Replay into test_" + System.nanoTime();
        try (Progress progress = new Progress(LoggerFactory.getLogger(ProgressTest.class), job, 300)) {
            progress.advance(120);

            assertThat(Progress.running()).filteredOn(s -> s.job().equals(job))
                    .singleElement().satisfies(s -> {
                        assertThat(s.done()).isEqualTo(120);
                        assertThat(s.total()).isEqualTo(300);
                        assertThat(s.elapsedMs()).isNotNegative();
                    });
        }
        assertThat(Progress.running()).noneMatch(s -> s.job().equals(job));
    }

    @Test
    void anUnknownTotalGivesCountAndRateOnly() {
        try (Progress progress = new Progress(LoggerFactory.getLogger(ProgressTest.class), "import", -1)) {
            progress.advance(1_200);

            assertThat(progress.describe(2 * SECOND)).isEqualTo("1,200 changes, 600 changes/s");
        }
    }
}
