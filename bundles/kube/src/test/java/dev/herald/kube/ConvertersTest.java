package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes objects to Herald's records: what is skipped, and that the warning says what and where. */
class ConvertersTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Secret secret(Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withNamespace("kube-system").withName("antrea-bgp-passwords")
                .endMetadata().withData(data).build();
    }

    /** Runs {@code r} and returns what slf4j-simple wrote to stderr meanwhile (it looks System.err up each time). */
    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aNullValueIsSkippedWithAWarningNamingTheSecretAndKeyAndTheOtherEntriesStay() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("127.0.1.1-65000", null); // data: {127.0.1.1-65000: null}, kept by an API server that does not validate
        data.put("127.0.1.2-65000", b64("good-one"));
        Map<String, String>[] out = new Map[1];
        String log = stderrOf(() -> out[0] = Converters.passwords(secret(data)));
        assertThat(out[0]).containsExactly(Map.entry("127.0.1.2-65000", "good-one"));
        assertThat(log).contains("Secret kube-system/antrea-bgp-passwords key 127.0.1.1-65000 has no value (null)")
                .doesNotContain("good-one");
    }

    @Test
    void valuesThatCannotBePasswordsAreSkippedEachWithItsReason() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("a-1", "not base64!");
        data.put("b-1", Base64.getEncoder().encodeToString(new byte[81]));
        data.put("c-1", Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff}));
        data.put("d-1", b64("pässwört"));
        Map<String, String>[] out = new Map[1];
        String log = stderrOf(() -> out[0] = Converters.passwords(secret(data)));
        assertThat(out[0]).containsExactly(Map.entry("d-1", "pässwört"));
        assertThat(log).contains("key a-1 is not base64").contains("key b-1 is 81 bytes long, TCP-MD5 takes at most 80")
                .contains("key c-1 is not UTF-8 text");
    }
}
