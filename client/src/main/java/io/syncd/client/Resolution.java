package io.syncd.client;

import java.util.Arrays;
import java.util.Optional;

/** How a conflict (or rejection) is settled; the names are the protocol's. */
public enum Resolution {
    /** Keep the server's record; the local edit is dropped. */
    USE_SERVER("use_server"),
    /** Write the local data (or the local delete) over the server's version. */
    USE_LOCAL("use_local"),
    /** Write data merged by the app over the server's version. */
    MERGE("merge");

    private final String wireName;

    Resolution(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Resolution> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
    }
}
