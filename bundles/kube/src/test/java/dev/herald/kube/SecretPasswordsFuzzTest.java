package dev.herald.kube;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.api.PeerConfig;
import dev.herald.testing.FuzzBounds;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Fuzzes the handling of TCP-MD5 passwords from the {@code antrea-bgp-passwords} Secret: {@link Converters#passwords}
 * reads the Secret's data, the controller hands each password to a {@link PeerConfig}, and the native backend
 * turns it into the key the kernel checks (docs/robustness.md, Fuzzing).
 *
 * <p>Input: up to 8 entries, each a key and either the base64 of fuzzed bytes or fuzzed text (mostly not base64);
 * then, from what is left, one entry whose value is null ({@code data: {key: null}}, which an API server that does
 * not validate stores and an informer delivers).
 *
 * <p>Invariants: nothing throws (entries that cannot be passwords are skipped, each with a problem that is its key
 * and one of the fixed reasons, so it never shows the value); each Secret takes
 * under a second and at most {@value #BYTES_PER_INPUT_BYTE} bytes per input byte plus {@value #CONSTANT_BYTES};
 * only keys of base64 entries come out, and every base64 entry of 1 to {@value #MAX_KEY_BYTES} bytes of UTF-8 text
 * does; a password that reaches a peer gives a key of exactly the bytes the Secret holds, and no longer than the
 * kernel accepts ({@value #MAX_KEY_BYTES} bytes, TCP_MD5SIG_MAXKEYLEN).
 */
class SecretPasswordsFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 128;
    static final long CONSTANT_BYTES = 64 * 1024;
    static final int MAX_KEY_BYTES = 80;
    /** What {@link Converters#passwords} may say of a value it skips: nothing of the value itself. */
    private static final Pattern REASON = Pattern.compile(
            "has no value \\(null\\)|is not base64|is \\d+ bytes long, TCP-MD5 takes at most \\d+|is not UTF-8 text");

    static {
        // every rejected entry logs a warning: keep a fuzzing campaign's output readable
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    @FuzzTest(maxDuration = "10m")
    void readPasswords(FuzzedDataProvider data) throws Exception {
        int inputLength = data.remainingBytes();
        Map<String, String> entries = new LinkedHashMap<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            String key = data.consumeString(64);
            String value = data.consumeBoolean() ? Base64.getEncoder().encodeToString(data.consumeBytes(120))
                    : data.consumeString(160);
            entries.put(key, value);
        }
        if (n > 0 && data.remainingBytes() > 0 && data.consumeBoolean()) {
            // decided last, so that the inputs kept before null values were fuzzed still read as they did
            entries.put(data.consumeString(64), null);
        }
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("kube-system")
                .withName("antrea-bgp-passwords").endMetadata().withData(entries).build();
        Map<String, String> passwords = FuzzBounds.check("reading the password Secret", inputLength,
                BYTES_PER_INPUT_BYTE, CONSTANT_BYTES, () -> Converters.passwords(secret, new ArrayList<>()));
        List<String> problems = new ArrayList<>();
        Converters.passwords(secret, problems);
        // the problems become log lines and Events: each is a key of the Secret and one of the fixed reasons, so
        // none can show a value (docs/robustness.md, "Secrets and exposure"; finding 13)
        for (String problem : problems) {
            if (entries.keySet().stream().noneMatch(k -> problem.startsWith("data[" + k + "] ")
                    && REASON.matcher(problem.substring(k.length() + 7)).matches())) {
                throw new AssertionError("a problem that is not a key and a reason: " + problem);
            }
        }
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (!passwords.containsKey(e.getKey())
                    && problems.stream().noneMatch(p -> p.startsWith("data[" + e.getKey() + "] "))) {
                throw new AssertionError("the entry " + e.getKey() + " was dropped without a word");
            }

        }
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (usable(e.getValue()) && !passwords.containsKey(e.getKey())) {
                throw new AssertionError("a usable password for " + e.getKey() + " was dropped");
            }
        }
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            String raw = entries.get(e.getKey());
            if (raw == null) { // not in the Secret, or null there
                throw new AssertionError("password for " + e.getKey() + ", which the Secret does not have");
            }
            byte[] secretBytes = Base64.getDecoder().decode(raw);
            Optional<String> password = PeerConfig.of("192.0.2.1", 65001).withPassword(e.getValue()).password();
            if (password.isEmpty()) {
                if (secretBytes.length != 0) {
                    throw new AssertionError("password of " + secretBytes.length + " bytes dropped");
                }
                continue;
            }
            byte[] key = PeerConfig.md5Key(password.get()); // as the native backend installs it
            if (!Arrays.equals(key, secretBytes)) {
                throw new AssertionError("the Secret holds " + Arrays.toString(secretBytes) + " but the key is "
                        + Arrays.toString(key));
            }
            if (key.length > MAX_KEY_BYTES) {
                throw new AssertionError("a key of " + key.length + " bytes, which the kernel refuses");
            }
        }
    }

    /** Base64 of 1 to 80 bytes of UTF-8 text: a password the agent must use. */
    private static boolean usable(String value) {
        if (value == null) {
            return false;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value);
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return bytes.length >= 1 && bytes.length <= MAX_KEY_BYTES;
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return false;
        }
    }
}
