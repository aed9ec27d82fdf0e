package dev.herald.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A Kubernetes label selector: {@code matchLabels} and {@code matchExpressions} (In, NotIn, Exists, DoesNotExist),
 * all ANDed. The empty selector matches everything. Construction validates: an unknown operator, values given to
 * Exists/DoesNotExist or missing for In/NotIn, or an empty key throw {@link IllegalArgumentException}, so a
 * selector that exists can always be evaluated.
 */
@ProviderType
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    /** The selector that matches every set of labels. */
    public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
        matchLabels.keySet().forEach(k -> {
            if (k.isEmpty()) {
                throw new IllegalArgumentException("matchLabels has an empty key");
            }
        });
    }

    /** True when every label and every expression holds for {@code labels}. */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The operators of {@code matchExpressions}, spelt as in Kubernetes. */
    @ProviderType
    public enum Operator {
        IN("In"), NOT_IN("NotIn"), EXISTS("Exists"), DOES_NOT_EXIST("DoesNotExist");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static Operator parse(String text) {
            for (Operator o : values()) {
                if (o.text.equals(text)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown label selector operator '" + text
                    + "' (expected In, NotIn, Exists or DoesNotExist)");
        }
    }

    /** One {@code matchExpressions} entry. */
    @ProviderType
    public record Requirement(String key, Operator operator, Set<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = Set.copyOf(values);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("matchExpressions entry has an empty key");
            }
            boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
            if (needsValues && values.isEmpty()) {
                throw new IllegalArgumentException("operator " + operator.text() + " on key '" + key
                        + "' needs at least one value");
            }
            if (!needsValues && !values.isEmpty()) {
                throw new IllegalArgumentException("operator " + operator.text() + " on key '" + key
                        + "' takes no values");
            }
        }

        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case IN -> v != null && values.contains(v);
                case NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }
    }
}
