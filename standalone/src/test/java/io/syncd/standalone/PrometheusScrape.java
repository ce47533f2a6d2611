package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code GET /metrics}, parsed from the Prometheus text format, for tests to read series from. */
public record PrometheusScrape(List<Sample> samples) {
    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample: a series (name and labels) and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The metrics of the shared {@link TestServer}, or of a server with the same admin token. */
    public static PrometheusScrape of(Api api) {
        return of(api, TestServer.ADMIN_TOKEN);
    }

    /** {@code GET /metrics} with the server's admin token, which it takes by default. */
    public static PrometheusScrape of(Api api, String adminToken) {
        Api.Response response = api.get("/metrics", adminToken);
        assertThat(response.status()).as("GET /metrics: %s", response.text()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain");
        return parse(response.text());
    }

    static PrometheusScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new PrometheusScrape(samples);
    }

    /** Samples of this series name whose labels include the given ones ({@code "key", "value", …}). */
    public List<Sample> find(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
                .toList();
    }

    /** The sum of the matching samples; 0 when there are none. */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }
}
