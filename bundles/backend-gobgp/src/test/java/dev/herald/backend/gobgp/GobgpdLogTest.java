package dev.herald.backend.gobgp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GobgpdLogTest {
    @Test
    void aJsonLineGivesLevelMessageAndFields() {
        GobgpdLog.Line l = GobgpdLog.parse("{\"Key\":\"127.0.0.2\",\"State\":\"BGP_FSM_OPENCONFIRM\",\"Topic\":\"Peer\","
                + "\"level\":\"info\",\"msg\":\"Peer Up\",\"time\":\"2026-01-01T00:00:00Z\"}");
        assertThat(l.level()).isEqualTo(GobgpdLog.Level.INFO);
        assertThat(l.text()).isEqualTo("Peer Up Key=127.0.0.2 State=BGP_FSM_OPENCONFIRM Topic=Peer");
    }

    @Test
    void levelsMapOntoSlf4jAndFatalIsAnError() {
        assertThat(GobgpdLog.parse("{\"level\":\"warning\",\"msg\":\"x\"}").level()).isEqualTo(GobgpdLog.Level.WARN);
        assertThat(GobgpdLog.parse("{\"level\":\"debug\",\"msg\":\"x\"}").level()).isEqualTo(GobgpdLog.Level.DEBUG);
        assertThat(GobgpdLog.parse("{\"level\":\"fatal\",\"msg\":\"x\"}").level()).isEqualTo(GobgpdLog.Level.ERROR);
        assertThat(GobgpdLog.parse("{\"level\":\"error\",\"msg\":\"x\"}").level()).isEqualTo(GobgpdLog.Level.ERROR);
    }

    @Test
    void aLineThatIsNotJsonIsPassedOnAsAWarning() {
        GobgpdLog.Line l = GobgpdLog.parse("panic: runtime error: invalid memory address");
        assertThat(l.level()).isEqualTo(GobgpdLog.Level.WARN);
        assertThat(l.text()).isEqualTo("panic: runtime error: invalid memory address");
        assertThat(GobgpdLog.parse("{not json").level()).isEqualTo(GobgpdLog.Level.WARN);
    }

    @Test
    void nestedFieldsStayReadable() {
        GobgpdLog.Line l = GobgpdLog.parse("{\"level\":\"info\",\"msg\":\"m\",\"Err\":{\"a\":1}}");
        assertThat(l.text()).isEqualTo("m Err={\"a\":1}");
    }
}
