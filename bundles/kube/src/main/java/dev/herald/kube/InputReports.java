package dev.herald.kube;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parts of cluster objects that Herald cannot use and skips (a Service IP that is not one, a password that cannot be
 * a TCP-MD5 key, a BGPPolicy field it does not know): logged, and recorded as a Warning Event on the object, so that
 * {@code kubectl describe} and {@code kubectl get events} name the field (docs/robustness.md, "Hostile cluster
 * input"). An object's problems are reported when they change, not on every event about it; what was reported is
 * remembered for at most {@value #REMEMBERED} objects, so memory stays bounded however many objects are bad.
 * Thread-safe.
 */
final class InputReports {
    private static final Logger LOG = LoggerFactory.getLogger(InputReports.class);
    /** Objects whose last report is remembered; beyond that the oldest are forgotten (and reported again). */
    static final int REMEMBERED = 10_000;

    /** The object a report is about, as an Event's involvedObject names it. */
    record About(String apiVersion, String kind, String namespace, String name, String uid) {
        String key() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }

    /** Why an object is reported: the Event's reason, and what the message ends with. */
    enum Reason {
        /** A value that cannot be used (not an address, not a password): skipped, the rest of the object used. */
        INVALID_FIELD("InvalidField", "; ignored"),
        /** A BGPPolicy field Herald does not know (docs/bgp-policy.md, §1). */
        UNKNOWN_FIELD("UnknownField", "; ignored"),
        /** An Egress held by a Node that does not exist ({@link EgressNodeCheck}). */
        UNKNOWN_NODE("UnknownNode", "");

        final String reason;
        final String suffix;

        Reason(String reason, String suffix) {
            this.reason = reason;
            this.suffix = suffix;
        }
    }

    /** Where the Events go: the API server, through {@link KubeClusterWriter}. */
    interface Sink {
        void record(About about, String reason, String message);
    }

    static final Sink LOG_ONLY = (about, reason, message) -> { };

    private volatile Sink sink = LOG_ONLY;
    /** By object: by reason, the problems last reported. */
    private final Map<String, Map<Reason, List<String>>> reported = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Reason, List<String>>> eldest) {
            return size() > REMEMBERED;
        }
    };

    void sink(Sink s) {
        sink = s;
    }

    /**
     * The problems an object has now, each naming its field. Nothing is done when they are those reported last for
     * this object and reason; none clears the memory.
     */
    void about(About about, Reason reason, List<String> problems) {
        synchronized (reported) {
            Map<Reason, List<String>> byReason = reported.get(about.key());
            if (problems.isEmpty()) {
                if (byReason != null) {
                    byReason.remove(reason);
                    if (byReason.isEmpty()) {
                        reported.remove(about.key());
                    }
                }
                return;
            }
            if (byReason != null && problems.equals(byReason.get(reason))) {
                return;
            }
            reported.computeIfAbsent(about.key(), k -> new EnumMap<>(Reason.class)).put(reason, List.copyOf(problems));
        }
        String message = String.join("; ", problems) + reason.suffix;
        LOG.warn("{}: {}", about.key(), message);
        try {
            sink.record(about, reason.reason, message);
        } catch (RuntimeException e) {
            LOG.debug("Could not record the Event about {}: {}", about.key(), e.getMessage());
        }
    }

    /** The object is gone: a new one of the same name is reported afresh. */
    void forget(About about) {
        synchronized (reported) {
            reported.remove(about.key());
        }
    }
}
