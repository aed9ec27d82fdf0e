package dev.herald.ops;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Decides whether the agent is ready: every bundle active (fragments resolved) and every Declarative Services
 * component of Herald's bundles active or satisfied. A component waiting for its configuration is not a failure;
 * one waiting for a service, or whose activation threw, is.
 */
final class Readiness {
    static final String HERALD_BUNDLE_PREFIX = "dev.herald.";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    Readiness(BundleContext context, ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    /** One line per problem, empty when ready. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            int ok = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != ok) {
                problems.add("bundle " + b.getSymbolicName() + " " + b.getVersion() + " is " + Views.state(b)
                        + (b.getState() == Bundle.INSTALLED ? " (unresolved: see the log for its missing requirement)"
                                : ""));
            }
        }
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!d.bundle.symbolicName.startsWith(HERALD_BUNDLE_PREFIX) || !d.defaultEnabled) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    problems.add("component " + d.name + " is " + Views.componentState(c.state)
                            + (c.failure != null ? ": " + firstLine(c.failure) : ""));
                }
            }
        }
        return problems;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
