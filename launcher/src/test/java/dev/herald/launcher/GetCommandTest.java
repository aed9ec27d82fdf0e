package dev.herald.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class GetCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void routesTableLooksLikeAntctl() {
        String table = GetCommand.table(GetCommand.What.bgproutes, JSON.readTree("""
                [{"route":"10.96.0.10/32","type":"ServiceClusterIP","k8sObjRef":"default/web"},
                 {"route":"10.244.1.0/24","type":"NodeIPAMPodCIDR"}]"""));
        assertThat(table).isEqualTo("""
                ROUTE           TYPE               K8S-OBJ-REF
                10.96.0.10/32   ServiceClusterIP   default/web
                10.244.1.0/24   NodeIPAMPodCIDR    <NONE>
                """);
    }

    @Test
    void policyTableJoinsMemberAsns() {
        String table = GetCommand.table(GetCommand.What.bgppolicy, JSON.readTree("""
                {"name":"p","routerID":"10.0.0.1","localASN":64512,"listenPort":179,
                 "confederationIdentifier":65000,"memberASNs":[64513,64514]}"""));
        assertThat(table.lines().toList()).hasSize(2);
        assertThat(table).contains("CONFEDERATION-IDENTIFIER").contains("64513,64514").contains("10.0.0.1");
    }

    @Test
    void peersTableHasHeraldsExtraColumns() {
        String table = GetCommand.table(GetCommand.What.bgppeers, JSON.readTree("""
                [{"peer":"[fec0::1]:179","asn":65002,"state":"Established","uptime":"5m","prefixesSent":3,
                  "holdTimeSeconds":9,"bfd":"Up"},
                 {"peer":"10.0.0.1:179","asn":65001,"state":"Active","prefixesSent":0}]"""));
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).startsWith("PEER").contains("UPTIME").contains("PREFIXES-SENT")
                .contains("HOLD-TIME").endsWith("BFD");
        assertThat(lines.get(1)).contains("[fec0::1]:179").contains("Established").contains(" 9 ").endsWith("Up");
        assertThat(lines.get(2)).contains("Active").endsWith("<NONE>"); // no BFD, no hold time before Established
    }
}
