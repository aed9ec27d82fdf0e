package dev.herald.backend.gobgp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class GobgpBgpServerFactoryTest {
    private static GobgpBgpServerFactory.Config config(String path, String api) {
        return new GobgpBgpServerFactory.Config() {
            @Override
            public String gobgpd_path() {
                return path;
            }

            @Override
            public String gobgpd_apiAddress() {
                return api;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return GobgpBgpServerFactory.Config.class;
            }
        };
    }

    @Test
    void noSettingsMeansHeraldStartsGobgpdFoundByItself() {
        GobgpdSettings s = GobgpBgpServerFactory.settings(config("", ""));
        assertThat(s.supervised()).isTrue();
        assertThat(s.gobgpdPath()).isEmpty();
    }

    @Test
    void aPathOrAnApiAddressIsTaken() {
        assertThat(GobgpBgpServerFactory.settings(config("/opt/gobgp/gobgpd", "")).gobgpdPath())
                .contains(Path.of("/opt/gobgp/gobgpd"));
        GobgpdSettings attached = GobgpBgpServerFactory.settings(config("/opt/gobgp/gobgpd", " 127.0.0.1:50051 "));
        assertThat(attached.supervised()).isFalse();
        assertThat(attached.apiAddress().get().getHostString()).isEqualTo("127.0.0.1");
        assertThat(attached.apiAddress().get().getPort()).isEqualTo(50051);
    }

    @Test
    void aBadApiAddressIsIgnored() {
        // the parsing itself is HostPort's (HostPortTest); a bad address is logged and Herald starts its own daemon rather than failing the component
        assertThat(GobgpBgpServerFactory.settings(config("", "nonsense")).supervised()).isTrue();
    }

    @Test
    void aReconfiguredFactoryHandsTheNewSettingsToTheNextServer() {
        GobgpBgpServerFactory f = new GobgpBgpServerFactory();
        f.configure(config("/nonexistent/gobgpd", ""));
        BgpServer s = f.create(GlobalConfig.of(65001, "10.0.0.1"));
        Assertions.assertThatThrownBy(s::start).isInstanceOf(BgpException.class)
                .hasMessageContaining("/nonexistent/gobgpd");
        f.stopAll(dev.herald.api.spi.StopMode.GRACEFUL_RESTART);
        Assertions.assertThatThrownBy(s::start).hasMessageContaining("stopped");
        assertThat(Optional.of(f.backend())).contains("gobgp");
    }
}
