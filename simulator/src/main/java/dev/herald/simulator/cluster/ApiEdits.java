package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Edits through the API as kubectl makes them: read, change, write with the version read, and again when someone
 * else wrote the object in between (409 Conflict: the emulated cluster's own controllers update Services they just
 * saw created, and agents write their policies' status conditions).
 */
public final class ApiEdits {
    private static final int ATTEMPTS = 5;

    private ApiEdits() {
    }

    public static void retryOnConflict(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
