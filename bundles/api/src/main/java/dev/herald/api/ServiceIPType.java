package dev.herald.api;

import org.osgi.annotation.versioning.ProviderType;

/** The Service IP kinds a BGPPolicy can advertise ({@code spec.advertisements.service.ipTypes}). */
@ProviderType
public enum ServiceIPType {
    CLUSTER_IP("ClusterIP"), EXTERNAL_IP("ExternalIP"), LOAD_BALANCER_IP("LoadBalancerIP");

    private final String text;

    ServiceIPType(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static ServiceIPType parse(String text) {
        for (ServiceIPType t : values()) {
            if (t.text.equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown service ipType '" + text
                + "' (expected ClusterIP, LoadBalancerIP or ExternalIP)");
    }
}
