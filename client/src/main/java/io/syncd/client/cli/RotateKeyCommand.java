package io.syncd.client.cli;

import java.util.concurrent.Callable;

import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rotate-key}: a new enrollment key for the account, printed once; the old one stops working. */
@Command(name = "rotate-key", description = "Replace the account's enrollment key and print the new one: it is shown"
        + " this once (keep it to register devices); the old key stops working. Devices already registered are not"
        + " affected.")
final class RotateKeyCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    SyncCli cli;

    @Override
    public Integer call() {
        try (SyncClient client = cli.open()) {
            cli.print(Json.MAPPER.createObjectNode().put("enrollment_key", client.account().rotateEnrollmentKey()));
        }
        return SyncCli.OK;
    }
}
