package dev.herald.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bin/herald sim} without a file: the built-in dual-stack scenario converges and the tables show it. */
class BuiltInScenarioTest {
    @Test
    void theBuiltInScenarioPassesAndPrintsEachPeersRoutes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = dev.herald.simulator.SimMain.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("Scenario quickstart passed")
                .contains("Peer r1 (").contains("Peer r2 (")
                .containsPattern("10\\.200\\.0\\.1/32\\s+127\\.0\\.0\\.12\\s+64512\\s+node2")
                .containsPattern("10\\.201\\.0\\.5/32\\s+127\\.0\\.0\\.13\\s+64512\\s+node3")
                // r2 peers over IPv6: every agent connects from ::1, and each shows as its own node
                .contains("Peer r2 ([::1]:1179, AS 65001): 8 prefixes from 3 session(s)")
                .containsPattern("fd00:10:200::1/128\\s+::1\\s+64512\\s+node2\\n")
                .containsPattern("fd00:10:244:3::/64\\s+::1\\s+64512\\s+node3\\n")
                .doesNotContainPattern("fd00:10:244:3::/64\\s+::1\\s+64512\\s+node[12]");
    }
}
