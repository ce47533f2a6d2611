package io.syncd.standalone.contract;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import io.syncd.standalone.Api;
import io.syncd.standalone.TestServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A property-based tester of the running server against the OpenAPI document, in the manner of Schemathesis: for
 * each operation it makes requests from the document's schemas, valid ones and broken ones (a field dropped, of the
 * wrong type, too long or at its limit, an unknown field, hostile strings, huge numbers, extreme dates, malformed
 * JSON, the wrong content type or encoding, no token, another method), sends them over HTTP with valid credentials
 * where the operation needs them, and checks every answer: no 5xx; a status the document lists for the operation;
 * a body of a documented media type that validates against the documented schema (NDJSON line by line). Everything
 * random comes from one seed, which every failure names.
 */
final class ContractFuzzer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_FAILURES = 25;

    /** Cases per operation; operations that replay the database or import are costly and get few. */
    private static final Map<String, Integer> BUDGET = Map.ofEntries(Map.entry("verify", 8),
            Map.entry("rebuild", 10), Map.entry("importAccount", 10), Map.entry("revokeDevice", 20),
            Map.entry("revokeAllDevices", 20), Map.entry("rotateEnrollmentKey", 20), Map.entry("openapi", 6),
            Map.entry("apiDocs", 6), Map.entry("metrics", 8), Map.entry("root", 8), Map.entry("health", 8),
            Map.entry("changeStream", 20));
    private static final int DEFAULT_BUDGET = 60;
    /** Operations that change the whole account of the caller. */
    private static final Set<String> ACCOUNT_WIDE = Set.of("revokeAllDevices", "rotateEnrollmentKey");
    /** Of the costly ones, how many may do the whole work (the others are refused early, as most cases are). */
    private static final Map<String, Integer> MAX_WORK = Map.of("verify", 2, "rebuild", 2, "importAccount", 4);

    private static final List<String> HOSTILE = List.of("\"a\\u0000b\"", "\"\\ud800\"", "\"x\\udc00\"", "\"\\udbff\\udfff\"",
            "\"\\u202e\\ufeff\\u200b\"", "\"   \"", "\"\\t\\n\\r\"", "\"' OR 1=1; --\"", "\"<script>alert(1)</script>\"",
            "\"%s%n%x\"", "\"../../../etc/passwd\"", "\"\\\\\"", "\"\\u0000\"", "\"\\uDFFF\\uD800\"");
    private static final List<String> NUMBERS = List.of("1e400", "-1e400", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "123456789012345678901234567890", "1.0", "1.5", "-0", "0.0", "1E2", "-1", "2147483648",
            "4.9e-324");
    private static final List<String> DATES = List.of("0000-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
            "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59Z", "9999-12-31T23:30:00-01:00", "9999-12-31T23:59:60Z",
            "10000-01-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-11-24T10:00:00.1234567Z", "2026-11-24t10:00:00z",
            "2026-11-24T10:00Z", "2026-11-24 10:00:00Z", "2026-11-24T10:00:00+24:00", "0001-01-01", "9999-12-31",
            "0000-01-01", "2026-13-01", "+002026-11-24T10:00:00Z", "-0001-01-01T00:00:00Z", "2026-11-24T10:00:00-00:00");
    private static final List<Object> WRONG_TYPES = List.of(123, -1, 1.5, true, "x", "[]", "{}", "null");

    private final Api api;
    private final OpenApiDocument document;
    private final long seed;
    private final Random random;
    private final SchemaGenerator generator;
    private final Api.Device device;
    private final List<String> failures = new ArrayList<>();
    private final List<String> refusedValid = new ArrayList<>();
    private final Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
    private final List<String> changeIds = new ArrayList<>();
    private final List<ObjectNode> cursors = new ArrayList<>();
    private final Map<String, Integer> work = new LinkedHashMap<>();
    private int cases;
    private boolean cutShort;

    ContractFuzzer(Api api, OpenApiDocument document, long seed) {
        this.api = api;
        this.document = document;
        this.seed = seed;
        this.random = new Random(seed);
        this.generator = new SchemaGenerator(document, random);
        this.device = api.newDevice();
    }

    /** One request as sent: enough to send it again by hand. */
    record Case(String kind, String method, String path, Map<String, String> headers, byte[] body) {
        String describe() {
            String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            if (headers.containsKey("Content-Encoding")) {
                text = "<" + body.length + " bytes, " + headers.get("Content-Encoding") + ">";
            }
            return kind + ": " + method + " " + path + " " + headers + (text.isEmpty() ? "" : " " + cut(text, 600));
        }
    }

    List<String> failures() {
        return failures;
    }

    int cases() {
        return cases;
    }

    String summary() {
        StringBuilder out = new StringBuilder("contract fuzz, seed " + seed + " (-Dcontract.seed=" + seed + " repeats it): "
                + cases + " requests, " + failures.size() + " failures" + (cutShort ? " (stopped by its time budget)" : "")
                + "\n");
        statuses.forEach((op, counts) -> out.append("  ").append(op).append(' ').append(counts).append('\n'));
        return out.toString();
    }

    /** Runs every operation of the document and the other-method probes of every path, within {@code budget}. */
    void run(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<OpenApiDocument.Operation> operations = document.operations();
        // Interleaved, so that a run cut short by its budget still covered every operation.
        int rounds = 0;
        for (OpenApiDocument.Operation op : operations) {
            rounds = Math.max(rounds, BUDGET.getOrDefault(op.id(), DEFAULT_BUDGET));
        }
        for (int round = 0; round < rounds && System.nanoTime() < deadline && failures.size() < MAX_FAILURES; round++) {
            for (OpenApiDocument.Operation op : operations) {
                if (round < BUDGET.getOrDefault(op.id(), DEFAULT_BUDGET)) {
                    runCase(op, round);
                }
            }
        }
        cutShort = System.nanoTime() >= deadline;
        for (String path : new TreeSet<>(operations.stream().map(OpenApiDocument.Operation::path).toList())) {
            probeOtherMethods(path, operations.stream().filter(o -> o.path().equals(path)).toList());
        }
    }

    void runCase(OpenApiDocument.Operation op, int index) {
        Case request = makeCase(op, index);
        Api.Response response = send(request);
        check(op, op.statuses(), request, response);
        remember(request, response);
        if (request.kind().startsWith("valid") && response.status() == 400 && refusedValid.size() < 5) {
            refusedValid.add(op + " " + response.text() + "\n      " + request.describe());
        }
    }

    /**
     * Requests the document's schemas allow that the server refused as invalid, the first few: for reading, as some
     * rules are in no schema (a cursor the server did not issue, an end_time before its start_time).
     */
    List<String> refusedValid() {
        return refusedValid;
    }

    // ---- making requests ----

    private Case makeCase(OpenApiDocument.Operation op, int index) {
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> security = op.security(document);
        if (security.contains("deviceToken") && ACCOUNT_WIDE.contains(op.id())) {
            // Signing out everywhere, or rotating the key, would end the run's own device or key: each case has its own.
            headers.put("Authorization", "Bearer " + api.newDevice().token());
        } else if (security.contains("deviceToken")) {
            headers.put("Authorization", "Bearer " + device.token());
        } else if (security.contains("adminToken")) {
            headers.put("Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
        }
        String accept = generator.pick(List.of("", "application/json", "*/*", "application/json, application/problem+json"));
        if (op.id().equals("metrics") || op.id().equals("apiDocs") || op.id().equals("exportAccount")) {
            accept = "";
        }
        if (!accept.isEmpty()) {
            headers.put("Accept", accept);
        }
        boolean costly = MAX_WORK.containsKey(op.id());
        boolean valid = index == 0 || random.nextInt(10) < 4;
        if (costly && valid && work.getOrDefault(op.id(), 0) >= MAX_WORK.get(op.id())) {
            valid = false;
        }
        if (costly && valid) {
            work.merge(op.id(), 1, Integer::sum);
        }
        String path = fillPath(op, valid);
        JsonNode bodySpec = op.node().get("requestBody");
        String mediaType = bodySpec == null ? null : bodySpec.get("content").propertyNames().iterator().next();
        byte[] body = null;
        String kind = "valid";
        Map<String, String> raw = new LinkedHashMap<>();
        if (mediaType != null) {
            headers.put("Content-Type", mediaType);
            if (mediaType.equals("application/x-ndjson")) {
                body = ndjson(valid ? null : raw).getBytes(StandardCharsets.UTF_8);
                kind = valid ? "valid" : "broken line";
            } else if (op.id().equals("verify") && valid && random.nextInt(4) == 0) {
                body = new byte[0];
                kind = "valid, no body";
            } else {
                JsonNode json = fixture(op, generator.valid(bodySpec.get("content").get(mediaType).get("schema")));
                if (valid) {
                    List<String> errors = document.validate(bodySpec.get("content").get(mediaType).get("schema"), json);
                    if (!errors.isEmpty()) {
                        fail("the generator made an invalid request body " + json + ": " + errors);
                    }
                }
                if (!valid) {
                    kind = mutateBody(op, json, raw, costly);
                    json = raw.containsKey("root") ? null : json;
                }
                body = (json == null ? raw.remove("root") : withRaw(Json.MAPPER.writeValueAsString(json), raw))
                        .getBytes(StandardCharsets.UTF_8);
                if (raw.containsKey("malformed")) {
                    body = malformed(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
            }
        }
        if (!valid && (mediaType == null || kind.equals("valid") || random.nextInt(3) == 0)) {
            String requestKind = mutateRequest(op, headers, mediaType, costly);
            kind = kind.equals("valid") ? requestKind : kind + ", " + requestKind;
            if (requestKind.equals("path")) {
                path = fillPath(op, false);
            }
            if (kind.endsWith("encoded body") && body != null) {
                ContentCoding coding = generator.pick(List.of(ContentCoding.values()));
                headers.put("Content-Encoding", coding.token());
                body = coding.encode(body);
            } else if (kind.endsWith("not the encoding it names") && body != null) {
                headers.put("Content-Encoding", generator.pick(List.of("gzip", "zstd")));
            } else if (kind.endsWith("oversized open body")) {
                body = ("{\"name\":\"" + "a".repeat(17 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            }
        }
        return new Case(kind, op.method().toUpperCase(), path, headers, body);
    }

    /** The path with its variables: real ids of this run (found), random ones (not found) or no UUID at all. */
    private String fillPath(OpenApiDocument.Operation op, boolean valid) {
        String path = op.path();
        int roll = random.nextInt(10);
        String value;
        if (!valid && roll < 4) {
            // "%00", "%2F" and "%5C" are refused by Tomcat before any filter or servlet runs (ProblemReportValve).
            value = generator.pick(List.of("not-a-uuid", "%20", "123", "00000000-0000-0000-0000-00000000000g",
                    "%2e%2e", "..", generator.uuid() + "x", "%F0%9F%98%80", "%C3%A9", "a%7Cb", "%00", "a%2Fb", "a%5Cb"));
        } else if (roll < 7) {
            value = switch (op.id()) {
                case "getDevice" -> device.deviceId();
                case "revokeDevice" -> api.sibling(device).deviceId();
                case "getChange" -> changeIds.isEmpty() ? generator.uuid().toString() : generator.pick(changeIds);
                case "exportAccount" -> device.accountId();
                case "importAccount" -> api.newDevice().accountId();
                default -> generator.uuid().toString();
            };
        } else {
            value = generator.uuid().toString();
        }
        path = path.replaceAll("\\{[^}]*}", value);
        if (op.id().equals("adminStats")) {
            int query = random.nextInt(10);
            if (query < 4) {
                path += "?account_id=" + device.accountId();
            } else if (query < 6) {
                path += "?account_id=" + generator.uuid();
            } else if (!valid && query < 8) {
                path += "?account_id=" + generator.pick(List.of("nope", "", "%00", "1"));
            }
        }
        return path;
    }

    /** Values only this run knows: the account's enrollment key, cursors it was given, parents it made. */
    private JsonNode fixture(OpenApiDocument.Operation op, JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            return body;
        }
        switch (op.id()) {
            case "registerDevice" -> {
                // Only where the generator chose the enrollment key: with id_token, the shared server (no identity
                // provider set) answers 400.
                if (object.has("enrollment_key") && random.nextInt(10) < 7) {
                    object.put("enrollment_key", device.enrollmentKey());
                }
            }
            case "pull", "fullSync" -> {
                int roll = random.nextInt(10);
                if (roll < 4 && !cursors.isEmpty()) {
                    ObjectNode cursor = generator.pick(cursors);
                    object.remove("tables");
                    object.setAll(cursor.deepCopy());
                } else if (roll < 8) {
                    object.putNull("cursor");
                }
            }
            default -> {
            }
        }
        return object;
    }

    /** A random place in a JSON tree: an object and one of its names, or an array and one of its indexes. */
    private record Place(JsonNode parent, String name, int index) {
        JsonNode value() {
            return name != null ? parent.get(name) : parent.get(index);
        }

        void set(JsonNode value) {
            if (name != null) {
                ((ObjectNode) parent).set(name, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    private static void places(JsonNode node, List<Place> out) {
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                out.add(new Place(node, name, -1));
                places(node.get(name), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Place(node, null, i));
                places(node.get(i), out);
            }
        }
    }

    /** Breaks the body in one way; returns what was done. Values written as raw JSON go through {@code raw}. */
    private String mutateBody(OpenApiDocument.Operation op, JsonNode json, Map<String, String> raw, boolean costly) {
        List<Place> places = new ArrayList<>();
        places(json, places);
        List<Place> strings = places.stream().filter(p -> p.value().isString()).toList();
        List<Place> objects = new ArrayList<>(places.stream().filter(p -> p.value().isObject()).toList());
        int kinds = costly ? 4 : 11;
        int kind = random.nextInt(kinds);
        switch (kind) {
            case 0 -> {
                ObjectNode target = objects.isEmpty() ? (ObjectNode) json : (ObjectNode) generator.pick(objects).value();
                target.put(generator.pick(List.of("unknown", "Name", "data ", "__proto__", "version")), 1);
                return "unknown field";
            }
            case 1 -> {
                if (strings.isEmpty()) {
                    break;
                }
                generator.pick(strings).set(NODES.stringNode(placeholder(raw, generator.pick(HOSTILE))));
                return "hostile string";
            }
            case 2 -> {
                raw.put("root", generator.pick(costly ? List.of("[]", "\"x\"", "1", "true", "[{}]")
                        : List.of("[]", "null", "\"x\"", "1", "true", "[{}]", "")));
                return "not an object: " + raw.get("root");
            }
            case 3 -> {
                raw.put("malformed", "");
                return "malformed JSON";
            }
            case 4 -> {
                if (places.isEmpty()) {
                    break;
                }
                Place place = generator.pick(places);
                if (place.name() != null) {
                    ((ObjectNode) place.parent()).remove(place.name());
                    return "without " + place.name();
                }
                ((ArrayNode) place.parent()).remove(place.index());
                return "an element fewer";
            }
            case 5 -> {
                if (places.isEmpty()) {
                    break;
                }
                Object wrong = generator.pick(WRONG_TYPES);
                Place place = generator.pick(places);
                place.set(wrong instanceof String text && (text.equals("[]") || text.equals("{}") || text.equals("null"))
                        ? Json.MAPPER.readTree(text) : Json.MAPPER.valueToTree(wrong));
                return "wrong type at " + (place.name() != null ? place.name() : "[" + place.index() + "]");
            }
            case 6 -> {
                List<Place> numbers = places.stream().filter(p -> p.value().isNumber()).toList();
                Place place = generator.pick(numbers.isEmpty() ? places.isEmpty() ? List.of(new Place(json, "limit", -1))
                        : places : numbers);
                if (!(place.parent() instanceof ObjectNode) && !(place.parent() instanceof ArrayNode)) {
                    break;
                }
                place.set(NODES.stringNode(placeholder(raw, generator.pick(NUMBERS))));
                return "odd number";
            }
            case 7 -> {
                if (strings.isEmpty()) {
                    break;
                }
                generator.pick(strings).set(NODES.stringNode(generator.pick(DATES)));
                return "extreme date";
            }
            case 8 -> {
                if (strings.isEmpty()) {
                    break;
                }
                int length = generator.pick(List.of(0, 1, 49, 50, 51, 62, 63, 64, 199, 200, 201, 499, 500, 501));
                String unit = generator.pick(List.of("a", "\uD83D\uDE00", " ", "é"));
                generator.pick(strings).set(NODES.stringNode(unit.repeat(length)));
                return "length " + length + " of '" + unit + "'";
            }
            case 9 -> {
                if (places.isEmpty()) {
                    break;
                }
                generator.pick(places).set(NODES.stringNode(placeholder(raw, "[".repeat(101) + "]".repeat(101))));
                return "nested 101 deep";
            }
            default -> {
                if (json instanceof ObjectNode object && (op.id().equals("push") || op.id().equals("fullSync"))) {
                    ArrayNode many = object.putArray("changes");
                    for (int i = 0; i < 1001; i++) {
                        many.add(NODES.objectNode().put("change_id", generator.uuid().toString()).put("table", "books")
                                .put("op", "delete").put("record_id", generator.uuid().toString()).put("base_version", 1));
                    }
                    return "1001 changes";
                }
                if (strings.isEmpty()) {
                    break;
                }
                generator.pick(strings).set(NODES.stringNode("b".repeat(1024 * 1024 + 1)));
                return "a string over 1 MiB";
            }
        }
        raw.put("malformed", "");
        return "malformed JSON";
    }

    /** Breaks the request around its body: credentials, content type, encoding, Accept, path. */
    private String mutateRequest(OpenApiDocument.Operation op, Map<String, String> headers, String mediaType, boolean costly) {
        List<String> kinds = new ArrayList<>(List.of("no token", "wrong token", "path", "unsupported encoding"));
        if (mediaType != null) {
            kinds.addAll(List.of("wrong content type", "no content type", "not the encoding it names"));
            if (!costly) {
                kinds.add("encoded body"); // zstd or gzip: as valid as the body is
            }
        }
        if (!costly && !op.id().equals("apiDocs")) {
            kinds.add("accepts only HTML");
        }
        if (op.id().equals("createAccount") || op.id().equals("registerDevice")) {
            kinds.add("oversized open body");
        }
        String kind = generator.pick(kinds);
        switch (kind) {
            case "no token" -> headers.remove("Authorization");
            case "wrong token" -> headers.put("Authorization", generator.pick(List.of("Bearer nope", "Bearer ",
                    "Basic dXNlcjpwYXNz", "Bearer " + device.token() + "x", "bearer " + TestServer.ADMIN_TOKEN + "!",
                    "Bearer " + generator.uuid() + "." + generator.uuid())));
            case "wrong content type" -> headers.put("Content-Type", generator.pick(List.of("text/plain", "application/xml",
                    "application/x-www-form-urlencoded", "application/json-patch+json", "multipart/form-data; boundary=x")));
            case "no content type" -> headers.remove("Content-Type");
            case "unsupported encoding" -> headers.put("Content-Encoding", generator.pick(List.of("br", "compress", "x-foo")));
            case "accepts only HTML" -> headers.put("Accept", generator.pick(List.of("text/html", "application/xml", "image/png")));
            default -> {
            }
        }
        return kind;
    }

    /** An export-like NDJSON body of records the document describes; with {@code raw}, one line broken. */
    private String ndjson(Map<String, String> raw) {
        JsonNode record = document.root().at("/components/schemas/Record");
        List<String> lines = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            lines.add(Json.MAPPER.writeValueAsString(generator.valid(record)));
        }
        if (raw != null) {
            ObjectNode broken = (ObjectNode) generator.valid(record);
            String line = switch (random.nextInt(5)) {
                case 0 -> "{";
                case 1 -> Json.MAPPER.writeValueAsString(broken.put("unknown", 1));
                case 2 -> Json.MAPPER.writeValueAsString(broken.put("table", "nope"));
                case 3 -> "[1,2,3]";
                default -> withRaw(Json.MAPPER.writeValueAsString(broken.put("record_id",
                        placeholder(raw, generator.pick(HOSTILE)))), raw);
            };
            lines.add(random.nextInt(lines.size() + 1), line);
        }
        return String.join("\n", lines) + "\n";
    }

    private static String placeholder(Map<String, String> raw, String json) {
        String key = "@@raw" + raw.size() + "@@";
        raw.put(key, json);
        return key;
    }

    private static String withRaw(String text, Map<String, String> raw) {
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            if (entry.getKey().startsWith("@@")) {
                text = text.replace("\"" + entry.getKey() + "\"", entry.getValue());
            }
        }
        return text;
    }

    private String malformed(String text) {
        return switch (random.nextInt(5)) {
            case 0 -> text.length() > 1 ? text.substring(0, 1 + random.nextInt(text.length() - 1)) : "{";
            case 1 -> text + "}";
            case 2 -> text.startsWith("{\"") ? "{\"" + text.substring(2, text.indexOf('"', 2)) + "\":null," + text.substring(1)
                    : "{\"a\":1,\"a\":2}";
            case 3 -> text.replaceFirst(":", "=");
            default -> "{'single': 'quotes'}";
        };
    }

    // ---- sending and checking ----

    Api.Response send(Case request) {
        cases++;
        HttpRequest.Builder builder = api.request(request.path(), null);
        request.headers().forEach(builder::header);
        builder.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        return request.method().equals("GET") && request.path().startsWith("/api/sync/stream")
                ? EventStreams.firstEvent(api, builder.build()) : api.send(builder.build());
    }

    /** Another method on a path of the document: 405, as documented for the path's operations. */
    private void probeOtherMethods(String path, List<OpenApiDocument.Operation> operations) {
        Set<String> taken = new TreeSet<>();
        operations.forEach(o -> taken.add(o.method()));
        Set<Integer> allowed = new TreeSet<>();
        operations.forEach(o -> allowed.addAll(o.statuses()));
        String concrete = path.replaceAll("\\{[^}]*}", generator.uuid().toString());
        Set<String> security = operations.get(0).security(document);
        for (String method : List.of("get", "post", "put", "patch", "delete")) {
            if (taken.contains(method)) {
                continue;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer " + (security.contains("deviceToken") ? device.token() : TestServer.ADMIN_TOKEN));
            headers.put("Content-Type", "application/json");
            Case request = new Case("other method", method.toUpperCase(), concrete, headers, "{}".getBytes(StandardCharsets.UTF_8));
            Api.Response response = send(request);
            OpenApiDocument.Operation documenting = operations.stream()
                    .filter(o -> o.statuses().contains(response.status())).findFirst().orElse(operations.get(0));
            check(documenting, allowed, request, response);
            if (response.status() == 405 && response.raw().headers().firstValue("Allow").isEmpty()) {
                fail(request, response, "405 without Allow");
            }
        }
    }

    void check(OpenApiDocument.Operation op, Set<Integer> allowed, Case request, Api.Response response) {
        int status = response.status();
        statuses.computeIfAbsent(op.toString(), k -> new TreeMap<>()).merge(status, 1, Integer::sum);
        if (status >= 500) {
            fail(request, response, "a 5xx answer");
            return;
        }
        if (!allowed.contains(status)) {
            fail(request, response, "status " + status + " is not documented for " + op + " (documented: " + allowed + ")");
            return;
        }
        if (status == 429 && response.raw().headers().firstValue("Retry-After").isEmpty()) {
            fail(request, response, "429 without Retry-After");
        }
        JsonNode documented = document.response(op, status);
        JsonNode content = documented.get("content");
        if (content == null) {
            if (!response.text().isEmpty()) {
                fail(request, response, "a body where " + op + " documents none for " + status);
            }
            return;
        }
        if (response.text().isEmpty() && !content.has("application/x-ndjson")) { // NDJSON of no record is empty
            fail(request, response, "no body where " + op + " documents one for " + status);
            return;
        }
        String type = response.contentType() == null ? "" : response.contentType().replaceAll(";.*", "").trim();
        JsonNode media = content.get(type);
        if (media == null) {
            fail(request, response, "content type " + response.contentType() + " is not documented for " + status
                    + " (documented: " + content.propertyNames() + ")");
            return;
        }
        List<String> errors = new ArrayList<>();
        if (type.equals("application/json") || type.endsWith("+json")) {
            if (response.body() == null) {
                fail(request, response, "a " + type + " body that is not JSON");
                return;
            }
            errors.addAll(document.validate(media.get("schema"), response.body()));
        } else if (type.equals("text/event-stream")) {
            if (!response.text().matches("(?s)event: (changed|ready)\nid: [^\n]+\ndata: \\{.*}\n\n")) {
                errors.add("the first event is not `event:`, `id:`, `data: {…}`: " + response.text());
            }
        } else if (type.equals("application/x-ndjson")) {
            JsonNode record = document.root().at("/components/schemas/Record");
            for (String line : response.text().split("\n")) {
                if (!line.isBlank()) {
                    errors.addAll(document.validate(record, Json.MAPPER.readTree(line)));
                }
            }
        }
        if (!errors.isEmpty()) {
            fail(request, response, "the body does not match the documented schema: " + errors);
        }
    }

    /** What later cases can use: change ids that were pushed, cursors that were issued. */
    private void remember(Case request, Api.Response response) {
        if (response.status() != 200 || response.body() == null) {
            return;
        }
        JsonNode sent = null;
        if (request.body() != null && !request.headers().containsKey("Content-Encoding")) {
            try {
                sent = Json.MAPPER.readTree(request.body());
            } catch (RuntimeException notJson) {
                sent = null;
            }
        }
        JsonNode results = response.body().get("results");
        if (results != null && results.isArray()) {
            results.forEach(r -> changeIds.add(r.get("change_id").stringValue()));
        }
        JsonNode cursor = response.body().get("cursor");
        if (cursor != null && cursor.isString() && cursors.size() < 50) {
            // A cursor holds for the tables it was issued for: it is kept with them.
            ObjectNode kept = NODES.objectNode().put("cursor", cursor.stringValue());
            if (sent != null && sent.get("tables") != null && sent.get("tables").isArray()) {
                kept.set("tables", sent.get("tables").deepCopy());
            }
            cursors.add(kept);
        }
    }

    private void fail(String message) {
        if (failures.size() < MAX_FAILURES) {
            failures.add("seed " + seed + ": " + message);
        }
    }

    private void fail(Case request, Api.Response response, String problem) {
        fail(problem + "\n    request: " + request.describe() + "\n    answer: " + response.status() + " "
                + response.contentType() + " " + cut(response.text(), 600));
    }

    private static String cut(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length) + "… (" + text.length() + " chars)";
    }
}
