package dev.herald.ops;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The JSON shapes of {@code /bundles} and {@code /components}, like Gogo's {@code lb} and {@code scr:list}. */
final class Views {
    private Views() {
    }

    record BundleView(long id, String symbolicName, String version, String state, String location) {
    }

    record ComponentView(String name, String bundle, String state) {
    }

    static List<BundleView> bundles(BundleContext context) {
        List<BundleView> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            out.add(new BundleView(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(), state(b),
                    b.getLocation()));
        }
        return out;
    }

    static List<ComponentView> components(ServiceComponentRuntime scr) {
        List<ComponentView> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            var configs = scr.getComponentConfigurationDTOs(d);
            if (configs.isEmpty()) {
                out.add(new ComponentView(d.name, d.bundle.symbolicName,
                        scr.isComponentEnabled(d) ? "unsatisfied (configuration)" : "disabled"));
            }
            for (ComponentConfigurationDTO c : configs) {
                out.add(new ComponentView(d.name, d.bundle.symbolicName, componentState(c.state)));
            }
        }
        return out;
    }

    static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "Active";
            case Bundle.RESOLVED -> b.getHeaders("").get(Constants.FRAGMENT_HOST) != null ? "Fragment" : "Resolved";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            default -> "Uninstalled";
        };
    }

    static String componentState(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "active";
            case ComponentConfigurationDTO.SATISFIED -> "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied (configuration)";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied (reference)";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed activation";
            default -> "unknown (" + state + ")";
        };
    }
}
