package io.syncd.client.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.syncd.client.LocalRecord;
import io.syncd.client.PendingBookRemoval;
import io.syncd.client.SyncClient;
import io.syncd.common.Uuids;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code books list|subscribe|unsubscribe|all}: which books this store syncs (selective sync). */
@Command(name = "books", description = "Choose the books this store syncs (every book by default): the next sync"
        + " brings a subscribed book's events, notes and drawings, and drops an unsubscribed one's from this store once"
        + " its unsynced edits are decided. The list of books itself is always synced whole.")
final class BooksCommand implements Callable<Integer> {
    private static final String BOOK_IDS = "book ids (UUIDs), as books list or list books shows them";

    @CommandLine.ParentCommand
    SyncCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return SyncCli.ERROR;
    }

    @Command(name = "list", description = "Print every book this store knows as a JSON array: subscribed marks those"
            + " synced; pending_removal says why an unsubscribed book's records are still here (null: they are not)."
            + " A subscribed id this store has no book of yet is listed with name null.")
    int list() {
        try (SyncClient client = cli.open()) {
            Optional<Set<UUID>> subscribed = client.subscribedBooks();
            Map<String, PendingBookRemoval> pending = client.pendingBookRemovals().stream()
                    .collect(Collectors.toMap(PendingBookRemoval::bookId, Function.identity()));
            List<LocalRecord> books = client.list("books");
            Set<String> unknown = new TreeSet<>();
            subscribed.ifPresent(ids -> ids.forEach(id -> unknown.add(id.toString())));
            books.forEach(book -> unknown.remove(book.recordId()));
            cli.print(CliJson.books(books, unknown, subscribed.map(ids -> ids.stream().map(UUID::toString)
                    .collect(Collectors.toSet())).orElse(null), pending));
            if (subscribed.isEmpty()) {
                cli.message("this store syncs every book (the default)");
            }
        }
        return SyncCli.OK;
    }

    @Command(name = "subscribe", description = "Sync these books too (while every book is synced: only these); the next"
            + " sync brings their records. Prints the books now subscribed.")
    int subscribe(@Parameters(paramLabel = "BOOK_ID", arity = "1..*", description = BOOK_IDS) List<String> ids) {
        Set<UUID> books = bookIds(ids);
        try (SyncClient client = cli.open()) {
            client.subscribeBooks(books);
            cli.print(CliJson.subscribed(client.subscribedBooks()));
        }
        return SyncCli.OK;
    }

    @Command(name = "unsubscribe", description = "Stop syncing these books (while every book is synced: sync the others"
            + " this store knows); the next sync drops their records here, once their unsynced edits are decided (books"
            + " list shows what keeps them). Nothing is deleted on the server. Prints the books now subscribed.")
    int unsubscribe(@Parameters(paramLabel = "BOOK_ID", arity = "1..*", description = BOOK_IDS) List<String> ids) {
        Set<UUID> books = bookIds(ids);
        try (SyncClient client = cli.open()) {
            client.unsubscribeBooks(books);
            cli.print(CliJson.subscribed(client.subscribedBooks()));
        }
        return SyncCli.OK;
    }

    @Command(name = "all", description = "Sync every book again (the default), books created later included.")
    int all() {
        try (SyncClient client = cli.open()) {
            client.syncAllBooks();
            cli.print(CliJson.subscribed(client.subscribedBooks()));
        }
        return SyncCli.OK;
    }

    /** Every id checked before anything is stored: one bad id changes nothing. */
    private Set<UUID> bookIds(List<String> ids) {
        Set<UUID> books = new LinkedHashSet<>();
        for (String id : ids) {
            if (!Uuids.isCanonical(id)) {
                throw new CommandLine.ParameterException(cli.running(), "not a book id (a UUID): " + id);
            }
            books.add(UUID.fromString(id));
        }
        return books;
    }
}
