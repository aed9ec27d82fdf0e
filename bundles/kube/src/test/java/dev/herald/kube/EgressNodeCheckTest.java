package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Addresses;
import dev.herald.api.EgressInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lookup of the Node an Egress names: few requests for the usual case, one report for a Node that is not. */
class EgressNodeCheckTest {
    private final List<String> lookups = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final InputReports reports = new InputReports();
    private final EgressNodeCheck check;

    EgressNodeCheckTest() {
        reports.sink((about, reason, message) -> events.add(about.name() + " " + reason + ": " + message));
        // the informer's executor runs tasks one after another; here, at once
        check = new EgressNodeCheck(reports, Runnable::run, name -> {
            lookups.add(name);
            return Set.of("gw1", "gw2").contains(name);
        });
    }

    private void seen(String egress, String node) {
        check.seen(new InputReports.About("crd.antrea.io/v1beta1", "Egress", null, egress, "uid-" + egress),
                new EgressInfo(egress, Optional.of(Addresses.address("10.201.0.9", "ip")), Optional.of(node)),
                "node1"::equals);
    }

    @Test
    void egressesOnTheSameGatewayNodesCostOneLookupEach() {
        for (int i = 0; i < 50; i++) {
            seen("e" + i, i % 2 == 0 ? "gw1" : "gw2");
            seen("e" + i, i % 2 == 0 ? "gw1" : "gw2"); // another event of the same Egress
        }
        seen("mine", "node1"); // this agent's own Node: known without asking
        assertThat(lookups).containsExactly("gw1", "gw2");
        assertThat(events).isEmpty();
    }

    @Test
    void aNodeThatDoesNotExistIsReportedOnceAndAgainWhenTheEgressMovesToAnother() {
        seen("e1", "ghost");
        seen("e1", "ghost");
        assertThat(events).containsExactly("e1 UnknownNode: status.egressNode 'ghost' names no Node: status.egressIP "
                + "10.201.0.9 is advertised by no Node");
        seen("e1", "gw1");
        seen("e1", "phantom");
        assertThat(events).hasSize(2).last().asString().contains("'phantom'");
        assertThat(lookups).containsExactly("ghost", "gw1", "phantom");
    }
}
