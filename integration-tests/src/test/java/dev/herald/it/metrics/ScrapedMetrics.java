package dev.herald.it.metrics;

import dev.herald.it.AgentProcess;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of an agent's {@code /metrics} in the Prometheus text format (docs/metrics.md), read without a
 * Prometheus: each sample's name, labels and value, and sums over the samples whose labels match.
 */
public final class ScrapedMetrics {
    /** One line of the exposition: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][\\w:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Sample> samples;

    private ScrapedMetrics(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** Scrapes {@code http://127.0.0.1:PORT/metrics}; throws when nothing answers 200. */
    public static ScrapedMetrics scrape(int port) {
        HttpResponse<String> r = AgentProcess.get(port, "/metrics")
                .orElseThrow(() -> new IllegalStateException("no answer from /metrics on port " + port));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + r.statusCode());
        }
        return parse(r.body());
    }

    public static ScrapedMetrics parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            out.add(new Sample(m.group(1), Map.copyOf(labels), Double.parseDouble(m.group(4))));
        }
        return new ScrapedMetrics(out);
    }

    /**
     * The sum of the samples of {@code name} whose labels include every entry of {@code labels}; empty when no
     * sample matches.
     */
    public OptionalDouble sum(String name, Map<String, String> labels) {
        double sum = 0;
        boolean any = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                sum += s.value();
                any = true;
            }
        }
        return any ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    /** {@link #sum} with 0 for a series that does not exist (yet): a counter nothing was counted in. */
    public double count(String name, Map<String, String> labels) {
        return sum(name, labels).orElse(0);
    }

    public List<Sample> samples() {
        return samples;
    }
}
