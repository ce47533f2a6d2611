package io.syncd.client.cli;

import java.util.UUID;
import java.util.concurrent.Callable;

import io.syncd.client.Registration;
import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code devices list} and {@code devices revoke ID}: the account's devices, through this store's device token. */
@Command(name = "devices", description = "The account's devices: list them, or revoke one (its token stops working).")
final class DevicesCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    SyncCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return SyncCli.ERROR;
    }

    @Command(name = "list", description = "Print the account's devices as a JSON array, revoked ones with is_active"
            + " false; this_device marks this store's own.")
    int list() {
        try (SyncClient client = cli.open()) {
            String own = client.registration().map(Registration::deviceId).orElse(null);
            cli.print(CliJson.devices(client.account().devices(), own));
        }
        return SyncCli.OK;
    }

    @Command(name = "revoke", description = "Revoke a device of the account: its token stops working at once, and it"
            + " can no longer sync (its unsent changes stay on it). Exit 3 if the account has no active device of"
            + " that id.")
    int revoke(@Parameters(paramLabel = "DEVICE_ID", description = "the device_id shown by devices list")
               UUID deviceId) {
        try (SyncClient client = cli.open()) {
            client.account().revokeDevice(deviceId.toString());
            cli.print(Json.MAPPER.createObjectNode().put("device_id", deviceId.toString())
                    .put("revoked", true));
            if (client.registration().map(r -> r.deviceId().equals(deviceId.toString())).orElse(false)) {
                cli.message("this store's own device was revoked: it can no longer sync");
            }
        }
        return SyncCli.OK;
    }
}
