package dev.herald.simulator.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads from a parsed YAML tree that name the offending path in every error. */
final class Yaml {
    /** The longest sleep or deadline a scenario may ask for. */
    static final Duration MAX_DURATION = Duration.ofDays(1);

    private Yaml() {
    }

    static ScenarioException error(String path, String message) {
        return new ScenarioException(path + ": " + message);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String path) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw error(path, "expected a mapping, got " + describe(o));
        }
        return (Map<String, Object>) m;
    }

    static List<?> list(Object o, String path) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw error(path, "expected a list, got " + describe(o));
        }
        return l;
    }

    static String string(Map<String, Object> m, String key, String path, String fallback) {
        Object o = m.get(key);
        if (o == null) {
            if (fallback == null) {
                throw error(path + "." + key, "is required");
            }
            return fallback;
        }
        if (o instanceof Map || o instanceof List) {
            throw error(path + "." + key, "expected a string, got " + describe(o));
        }
        return String.valueOf(o);
    }

    static long number(Map<String, Object> m, String key, String path, Long fallback) {
        Object o = m.get(key);
        if (o == null) {
            if (fallback == null) {
                throw error(path + "." + key, "is required");
            }
            return fallback;
        }
        try {
            return Long.parseLong(String.valueOf(o));
        } catch (NumberFormatException e) {
            throw error(path + "." + key, "expected a number, got " + describe(o));
        }
    }

    static boolean bool(Map<String, Object> m, String key, String path, boolean fallback) {
        Object o = m.get(key);
        if (o == null) {
            return fallback;
        }
        if (o instanceof Boolean b) {
            return b;
        }
        throw error(path + "." + key, "expected true or false, got " + describe(o));
    }

    /** "500ms", "2s", "1m" or a plain number of seconds. */
    static Duration duration(Map<String, Object> m, String key, String path, Duration fallback) {
        Object o = m.get(key);
        if (o == null) {
            if (fallback == null) {
                throw error(path + "." + key, "is required");
            }
            return fallback;
        }
        return duration(String.valueOf(o), path + "." + key);
    }

    static Duration duration(String s, String path) {
        Duration d;
        try {
            String t = s.trim();
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofSeconds(Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1).trim()), 60));
            } else {
                d = Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            d = null;
        }
        // a negative wait, or one beyond what the runner's clock can count (nanoseconds in a long), would fail the
        // run only when it reached the step; a day is more than any scenario needs
        if (d == null || d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw error(path, "expected a duration of at most a day such as 500ms, 2s or 1m, got '" + s + "'");
        }
        return d;
    }

    static void onlyKeys(Map<String, Object> m, String path, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw error(path + "." + k, "unknown key (allowed: " + String.join(", ", allowed.stream()
                        .sorted().toList()) + ")");
            }
        }
    }

    private static String describe(Object o) {
        return o instanceof Map ? "a mapping" : o instanceof List ? "a list" : "'" + o + "'";
    }
}
