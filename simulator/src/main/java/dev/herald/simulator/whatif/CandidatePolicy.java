package dev.herald.simulator.whatif;

import dev.herald.api.BgpPolicy;
import dev.herald.kube.BgpPolicyParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The BGPPolicy a what-if tries: one {@code crd.antrea.io/v1alpha1} BGPPolicy object in YAML (or JSON), as it would
 * be given to {@code kubectl apply}. Its spec is checked by Herald's own parser, the one every agent uses, so a
 * policy the what-if accepts is one the agents accept.
 *
 * @param name {@code metadata.name}
 * @param spec the {@code spec} tree, unparsed
 * @param source where it was read from, for messages
 */
public record CandidatePolicy(String name, Map<String, Object> spec, String source) {
    static final String API_VERSION = "crd.antrea.io/v1alpha1";
    static final String KIND = "BGPPolicy";

    /** Reads and checks the file; the spec is validated at once (with a placeholder creation time). */
    public static CandidatePolicy read(Path file) throws WhatIfException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WhatIfException("cannot read " + file + ": " + describe(e));
        }
        return parse(text, file.toString());
    }

    /** Parses one BGPPolicy object; the spec is validated at once (with a placeholder creation time). */
    @SuppressWarnings("unchecked")
    public static CandidatePolicy parse(String text, String source) throws WhatIfException {
        List<String> documents = new ArrayList<>();
        for (String doc : text.split("(?m)^---.*$")) {
            if (doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))) {
                documents.add(doc);
            }
        }
        if (documents.isEmpty()) {
            throw new WhatIfException(source + " is empty: it must hold one BGPPolicy");
        }
        if (documents.size() > 1) {
            throw new WhatIfException(source + " holds " + documents.size() + " YAML documents: give one BGPPolicy");
        }
        GenericKubernetesResource r;
        try {
            r = Serialization.unmarshal(documents.get(0), GenericKubernetesResource.class);
        } catch (RuntimeException e) {
            throw new WhatIfException(source + " is not a Kubernetes object in YAML or JSON: " + firstLine(e));
        }
        if (r == null) {
            throw new WhatIfException(source + " is empty: it must hold one BGPPolicy");
        }
        if (!KIND.equals(r.getKind()) || !API_VERSION.equals(r.getApiVersion())) {
            throw new WhatIfException(source + " holds a " + (r.getKind() == null ? "document without kind"
                    : r.getApiVersion() + " " + r.getKind()) + ", not a " + API_VERSION + " " + KIND);
        }
        String name = r.getMetadata() == null ? null : r.getMetadata().getName();
        if (name == null || name.isBlank()) {
            throw new WhatIfException(source + ": metadata.name is missing");
        }
        Object spec = r.getAdditionalProperties().get("spec");
        if (spec != null && !(spec instanceof Map)) {
            throw new WhatIfException(source + ": BGPPolicy " + name + " is invalid: spec must be a map");
        }
        CandidatePolicy c = new CandidatePolicy(name, (Map<String, Object>) spec, source);
        c.toPolicy(Instant.EPOCH, 1); // validate now, before any cluster is asked
        return c;
    }

    /** The policy as the agents would see it once applied with this creation time and generation. */
    public BgpPolicy toPolicy(Instant created, long generation) throws WhatIfException {
        try {
            return BgpPolicyParser.parse(name, created.toString(), generation, spec);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new WhatIfException(source + ": BGPPolicy " + name + " is invalid: " + e.getMessage());
        }
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
    }

    private static String firstLine(RuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
