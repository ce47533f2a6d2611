package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A retry loop's wait ends when the loop is told to stop, so a long backoff never holds a shutdown. */
class StopSignalTest {

    @Test
    void aPauseEndsWhenTheSignalIsGiven() throws Exception {
        StopSignal signal = new StopSignal();
        CompletableFuture<Void> pausing = CompletableFuture.runAsync(() -> signal.pause(Duration.ofMinutes(10)));
        signal.stop();
        pausing.get(60, TimeUnit.SECONDS);
        assertThat(signal.stopped()).isTrue();
    }

    @Test
    void aPauseAfterTheSignalReturnsAtOnce() throws Exception {
        StopSignal signal = new StopSignal();
        signal.stop();
        CompletableFuture.runAsync(() -> signal.pause(Duration.ofMinutes(10))).get(60, TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedPauseCountsAsAStopAndKeepsTheInterrupt() throws Exception {
        StopSignal signal = new StopSignal();
        boolean[] interrupted = new boolean[1];
        Thread worker = new Thread(() -> {
            signal.pause(Duration.ofMinutes(10));
            interrupted[0] = Thread.currentThread().isInterrupted();
        });
        worker.start();
        worker.interrupt();
        worker.join(Duration.ofSeconds(60).toMillis());
        assertThat(worker.isAlive()).isFalse();
        assertThat(signal.stopped()).isTrue();
        assertThat(interrupted[0]).isTrue();
    }

    @Test
    void aPauseWithoutASignalLastsItsTime() {
        StopSignal signal = new StopSignal();
        long start = System.nanoTime();
        signal.pause(Duration.ofMillis(200));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(signal.stopped()).isFalse();
    }
}
