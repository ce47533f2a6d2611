package io.syncd.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.syncd.client.LiveSync;
import io.syncd.client.SyncClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code watch}: live sync until interrupted, printing a JSON line per record another device changed. */
@Command(name = "watch", description = "Stay connected (live sync) and print one JSON line per record another"
        + " device changed, as it is written into the store: table, record_id, version, is_deleted. Edits made"
        + " meanwhile by other commands (put, delete) are pushed within seconds. Runs until interrupted (Ctrl-C,"
        + " SIGTERM): exit 0.")
final class WatchCommand implements Callable<Integer> {
    private static final int OUTBOX_CHECK_SECONDS = 2;

    @CommandLine.ParentCommand
    SyncCli cli;

    @Override
    public Integer call() {
        SyncClient client = cli.open();
        PrintWriter out = cli.out();
        client.addRemoteChangeListener(changes -> {
            synchronized (out) {
                changes.changes().forEach(change -> out.println(CliJson.change(change).toString()));
                out.flush();
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        LiveSync live = client.startLive();
        // SIGINT and SIGTERM run shutdown hooks: close cleanly (an unpushed edit stays in the store), then exit 0,
        // which the JVM would otherwise report as 130 or 143.
        Thread hook = new Thread(() -> {
            live.close();
            client.close();
            out.flush();
            stopped.countDown();
            Runtime.getRuntime().halt(SyncCli.OK);
        }, "sync-cli-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        cli.message("watching for changes; stop with Ctrl-C");
        try {
            // Other commands write the store from their own processes, which cannot wake this one's pusher: look.
            while (!stopped.await(OUTBOX_CHECK_SECONDS, TimeUnit.SECONDS)) {
                try {
                    if (client.status().outbox() > 0) {
                        live.pushSoon();
                    }
                } catch (RuntimeException closing) {
                    if (stopped.getCount() > 0) {
                        throw closing;
                    } // the shutdown hook closed the store meanwhile
                }
            }
        } catch (InterruptedException e) {
            // stopped in-process (a test, an embedding app): the same clean close, without the hook
            Runtime.getRuntime().removeShutdownHook(hook);
            live.close();
            client.close();
        }
        return SyncCli.OK;
    }
}
