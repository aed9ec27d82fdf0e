package dev.herald.kube;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.testing.FuzzBounds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link BgpPolicyParser} with arbitrary JSON and YAML documents, read into the object an informer delivers
 * (docs/robustness.md, Fuzzing).
 *
 * <p>Input: the document's text (UTF-8). Text that does not read as a Kubernetes object, or an object without the
 * metadata.name every API server sets, is no input the agent can receive and is skipped.
 *
 * <p>Invariants: the parser throws nothing but {@link IllegalArgumentException}; each document takes under a
 * second and the parser allocates at most {@value #BYTES_PER_INPUT_BYTE} bytes per input byte plus
 * {@value #CONSTANT_BYTES}; a policy it accepts holds exactly the integers the document wrote (no value wrapped
 * or rounded into range).
 */
class BgpPolicyParserFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 256;
    static final long CONSTANT_BYTES = 256 * 1024;

    static {
        try {
            check(("{\"kind\":\"BGPPolicy\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"localASN\":1,"
                    + "\"nodeSelector\":{},\"bgpPeers\":[{\"address\":\"192.0.2.1\",\"asn\":2}]}}")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void parsePolicy(byte[] input) throws Exception {
        check(input);
    }

    private static void check(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        GenericKubernetesResource object;
        try {
            object = Serialization.unmarshal(text, GenericKubernetesResource.class);
        } catch (RuntimeException notAnObject) {
            return; // the API server never delivers this: the document reader's errors are not the parser's
        }
        if (object == null || object.getMetadata() == null || object.getMetadata().getName() == null) {
            return;
        }
        BgpPolicy policy;
        try {
            policy = FuzzBounds.check("parsing a BGPPolicy", input.length, BYTES_PER_INPUT_BYTE, CONSTANT_BYTES,
                    () -> BgpPolicyParser.parse(object));
        } catch (IllegalArgumentException invalid) {
            return; // the declared outcome for an invalid policy: the agent logs it and ignores the policy
        }
        checkExact(policy, object.getAdditionalProperties().get("spec"));
    }

    /** Every integer the policy holds is the one the document wrote, where it wrote one. */
    private static void checkExact(BgpPolicy policy, Object rawSpec) {
        Map<?, ?> spec = (Map<?, ?>) rawSpec;
        same("spec.localASN", spec.get("localASN"), policy.spec().localAsn());
        same("spec.listenPort", spec.get("listenPort"), policy.spec().listenPort());
        if (spec.get("confederation") instanceof Map<?, ?> c) {
            same("spec.confederation.identifier", c.get("identifier"),
                    policy.spec().confederation().orElseThrow().identifier());
            if (c.get("memberASNs") instanceof List<?> members) {
                for (Object m : members) {
                    long n = new BigDecimal(String.valueOf(m)).longValue();
                    same("spec.confederation.memberASNs", m, n);
                    if (!policy.spec().confederation().orElseThrow().memberAsns().contains(n)) {
                        throw new AssertionError("member AS " + m + " lost: " + policy);
                    }
                }
            }
        }
        if (spec.get("bgpPeers") instanceof List<?> peers) {
            for (int i = 0; i < peers.size(); i++) {
                Map<?, ?> raw = (Map<?, ?>) peers.get(i);
                BgpPeerSpec p = policy.spec().bgpPeers().get(i);
                String where = "spec.bgpPeers[" + i + "].";
                same(where + "asn", raw.get("asn"), p.asn());
                same(where + "port", raw.get("port"), p.port());
                same(where + "multihopTTL", raw.get("multihopTTL"), p.multihopTtl());
                same(where + "gracefulRestartTimeSeconds", raw.get("gracefulRestartTimeSeconds"),
                        p.gracefulRestartTimeSeconds());
            }
        }
    }

    private static void same(String field, Object written, long parsed) {
        if (written == null) {
            return; // the default applies
        }
        BigDecimal exact = new BigDecimal(String.valueOf(written));
        if (exact.compareTo(BigDecimal.valueOf(parsed)) != 0) {
            throw new AssertionError(field + " is " + written + " in the document but " + parsed + " in the policy");
        }
    }
}
