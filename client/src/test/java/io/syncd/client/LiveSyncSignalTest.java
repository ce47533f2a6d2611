package io.syncd.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The wake-up flag of live sync's puller and pusher: work asked for during a run makes one more run, not a queue. */
class LiveSyncSignalTest {
    @Test
    void manyRaisesDuringARunMakeExactlyOneMoreRun() throws Exception {
        Signal signal = new Signal();
        AtomicInteger runs = new AtomicInteger();
        signal.raise();
        assertThat(signal.await(100)).isTrue();
        runs.incrementAndGet(); // a run is under way; changes keep coming
        for (int i = 0; i < 10; i++) {
            signal.raise();
        }
        while (signal.await(50)) {
            runs.incrementAndGet();
        }
        assertThat(runs).hasValue(2);
    }

    @Test
    void aWaitEndsWhenRaisedFromAnotherThread() throws Exception {
        Signal signal = new Signal();
        Thread raiser = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            signal.raise();
        });
        raiser.start();
        long start = System.nanoTime();
        assertThat(signal.await(0)).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(50L, 5_000L);
        assertThat(signal.await(10)).as("lowered by the wait that took it").isFalse();
    }
}
