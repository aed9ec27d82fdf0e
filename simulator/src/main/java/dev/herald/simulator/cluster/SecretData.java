package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an API server does with a Secret's {@code stringData}: a write-only convenience, merged into {@code data}
 * (base64, its keys winning over {@code data}'s) and never stored or returned as such. Clients that read Secrets,
 * Herald's agents among them, see only {@code data}.
 */
final class SecretData {
    private SecretData() {
    }

    /** Moves {@code stringData} into {@code data}; false when the Secret had none (store it as sent). */
    @SuppressWarnings("unchecked")
    static boolean admit(GenericKubernetesResource secret) {
        Map<String, Object> props = secret.getAdditionalProperties();
        Object strings = props.remove("stringData");
        if (!(strings instanceof Map<?, ?> plain)) {
            return false;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (props.get("data") instanceof Map<?, ?> existing) {
            data.putAll((Map<String, Object>) existing);
        }
        plain.forEach((k, v) -> data.put(String.valueOf(k), Base64.getEncoder()
                .encodeToString(String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
        props.put("data", data);
        return true;
    }
}
