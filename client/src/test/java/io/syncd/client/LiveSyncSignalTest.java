package io.syncd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
        Thread waiter = new Thread(() -> {
            try {
                signal.await(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> waiter.getState() == Thread.State.WAITING);
        signal.raise();
        waiter.join(Duration.ofSeconds(30).toMillis());
        assertThat(waiter.isAlive()).as("the wait ended when raised").isFalse();
        assertThat(signal.await(10)).as("lowered by the wait that took it").isFalse();
    }
}
