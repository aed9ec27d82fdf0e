package dev.herald.simulator.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads from a parsed YAML tree that name the offending path in every error. */
final class Yaml {
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
        try {
            String t = s.trim();
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()) * 60);
            }
            return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw error(path, "expected a duration such as 500ms, 2s or 1m, got '" + s + "'");
        }
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
