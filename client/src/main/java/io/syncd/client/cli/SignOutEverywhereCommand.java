package io.syncd.client.cli;

import java.util.concurrent.Callable;

import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sign-out-everywhere}: revokes every device of the account, this store's own too. */
@Command(name = "sign-out-everywhere", description = "Revoke every device of the account, this one too: their tokens"
        + " stop working at once and their change streams close. This store can no longer sync (its unsent edits stay"
        + " in it); sign in again with a new store.")
final class SignOutEverywhereCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    SyncCli cli;

    @Override
    public Integer call() {
        try (SyncClient client = cli.open()) {
            client.account().signOutEverywhere();
            cli.print(Json.MAPPER.createObjectNode().put("signed_out_everywhere", true));
            cli.message("every device of the account was revoked, this one too");
        }
        return SyncCli.OK;
    }
}
