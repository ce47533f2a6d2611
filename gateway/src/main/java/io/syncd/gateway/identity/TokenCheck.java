package io.syncd.gateway.identity;

/** The check an ID token failed: named in the 401's detail and counted by metric tag ({@code syncd_id_tokens_total}). */
enum TokenCheck {
    MALFORMED("malformed"),
    ALGORITHM("algorithm"),
    ISSUER("issuer"),
    UNKNOWN_KEY("unknown_key"),
    SIGNATURE("signature"),
    AUDIENCE("audience"),
    EXPIRED("expired"),
    NOT_YET_VALID("not_yet_valid");

    private final String tag;

    TokenCheck(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
