package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Answers that never arrive: the device crashed, or its network failed, between sending a change and hearing the
 * decision. Reopened from its SQLite file, it sends the same change id again and the server applies it once.
 */
class LostAnswersIT {
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());
    private final LossyProxy proxy = new LossyProxy(server.uri());
    private final SyncOptions options = SyncOptions.defaults().withRetries(Devices.QUICK_RETRIES);

    @AfterEach
    void close() {
        devices.close();
        proxy.close();
    }

    /** Closes the device (as if its app were killed) and opens its store file again. */
    private SyncClient restart(SyncClient device, String name) {
        device.close();
        return devices.open(name, options);
    }

    @Test
    void aChangeWhoseAnswerWasLostIsAppliedExactlyOnceAfterTheAppRestarts() {
        SyncClient phone = devices.device("phone", proxy.uri(), options);
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("written once"));

        proxy.mode(LossyProxy.Mode.DROP_PUSH_ANSWERS);
        assertThatThrownBy(phone::syncAll).isInstanceOf(ServerUnreachableException.class);
        assertThat(proxy.pushesForwarded()).isEqualTo(3); // the first send and two retries, all with one change id
        tablet.syncAll();
        assertThat(tablet.get("books", bookId).orElseThrow().version()).isEqualTo(1);

        SyncClient restarted = restart(phone, "phone");
        assertThat(restarted.status()).extracting(SyncStatus::outbox, SyncStatus::dirty).containsExactly(1, 1);
        proxy.mode(LossyProxy.Mode.FORWARD);
        SyncReport report = restarted.syncAll();

        assertThat(report).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::conflicts)
                .containsExactly(1, 1, 0);
        assertThat(restarted.get("books", bookId).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(1L, false);
        assertThat(restarted.conflicts()).isEmpty();
        tablet.syncAll();
        assertThat(tablet.get("books", bookId).orElseThrow().version()).as("one applied change, not two").isEqualTo(1);
    }

    @Test
    void anEditAfterALostAnswerIsSentAfterTheLostChangeOnTheVersionItMade() {
        SyncClient phone = devices.device("phone", proxy.uri(), options);
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("first"));
        proxy.mode(LossyProxy.Mode.DROP_PUSH_ANSWERS);
        assertThatThrownBy(phone::syncAll).isInstanceOf(ServerUnreachableException.class);

        SyncClient restarted = restart(phone, "phone");
        restarted.put("books", bookId, book("second"));
        assertThat(restarted.status().outbox()).isEqualTo(2);
        proxy.mode(LossyProxy.Mode.FORWARD);
        SyncReport report = restarted.syncAll();

        assertThat(report).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::conflicts)
                .containsExactly(2, 2, 0);
        assertThat(restarted.get("books", bookId).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(2L, false);
        tablet.syncAll();
        LocalRecord onTablet = tablet.get("books", bookId).orElseThrow();
        assertThat(onTablet.version()).isEqualTo(2);
        assertThat(onTablet.data().get("name").stringValue()).isEqualTo("second");
    }

    @Test
    void aPendingChangeIsKeptAndSentAgainWithTheSameIdByTheNextSync() {
        SyncClient phone = devices.device("phone", proxy.uri(), options);
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("pending at first"));

        proxy.mode(LossyProxy.Mode.PENDING_PUSH_ANSWERS);
        SyncReport first = phone.syncAll();

        assertThat(first).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::pending)
                .containsExactly(1, 0, 1);
        // The pull of the same sync brought the (already applied) record back; the undecided local edit stays.
        assertThat(phone.get("books", bookId).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(0L, true);
        assertThat(phone.status().outbox()).isEqualTo(1);

        proxy.mode(LossyProxy.Mode.FORWARD);
        SyncReport second = phone.syncAll();

        assertThat(second).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::conflicts)
                .containsExactly(1, 1, 0);
        assertThat(phone.get("books", bookId).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(1L, false);
        tablet.syncAll();
        assertThat(tablet.get("books", bookId).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aPullCutOffMidwayKeepsItsWholePagesAndResumesAfterThem() {
        SyncClient phone = devices.device("phone");
        for (int i = 0; i < 5; i++) {
            phone.put("books", newId(), book("book " + i));
        }
        phone.syncAll();
        SyncClient tablet = devices.device("tablet", proxy.uri(), options.withPullPageSize(2));

        proxy.dropPullAnswersAfter(2);
        assertThatThrownBy(tablet::pullChanges).isInstanceOf(ServerUnreachableException.class);
        assertThat(tablet.list("books")).hasSize(4);
        assertThat(tablet.status().lastSyncAt()).isNull();

        proxy.mode(LossyProxy.Mode.FORWARD);
        assertThat(tablet.pullChanges().pulled()).isEqualTo(1);
        assertThat(tablet.list("books")).hasSize(5);
        assertThat(tablet.status().lastSyncAt()).isNotNull();
    }

    @Test
    void aNewerServerRecordPulledWhileTheLocalChangeWasUndecidedIsNotLost() {
        SyncClient phone = devices.device("phone", proxy.uri(), options);
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("phone"));
        proxy.mode(LossyProxy.Mode.PENDING_PUSH_ANSWERS);
        phone.syncAll(); // applied as version 1 on the server; the phone only hears "pending"
        tablet.syncAll();
        tablet.put("books", bookId, book("tablet, on top of the phone's version"));
        tablet.syncAll();

        phone.syncAll(); // still "pending" for the phone; its pull moves past version 2 while its edit is undecided
        assertThat(phone.get("books", bookId).orElseThrow().data().get("name").stringValue()).isEqualTo("phone");
        proxy.mode(LossyProxy.Mode.FORWARD);
        phone.syncAll(); // the phone's change is applied (version 1): version 2, held aside, is the record now

        LocalRecord record = phone.get("books", bookId).orElseThrow();
        assertThat(record).extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(2L, false);
        assertThat(record.data().get("name").stringValue()).isEqualTo("tablet, on top of the phone's version");
        assertThat(record).isEqualTo(tablet.get("books", bookId).orElseThrow());
    }
}
