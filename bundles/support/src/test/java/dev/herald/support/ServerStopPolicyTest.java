package dev.herald.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StopMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** Against a real (empty) Felix framework, so that the STOPPING event is the one a framework really fires. */
class ServerStopPolicyTest {
    @TempDir
    Path storage;
    private Framework framework;
    private final AtomicInteger asked = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                "org.osgi.framework.storage", storage.toString(), "org.osgi.framework.storage.clean",
                "onFirstInit"));
        framework.start();
    }

    @AfterEach
    void stop() throws Exception {
        framework.stop();
        framework.waitForStop(5000);
    }

    private ShutdownAdvisor advisor(StopMode answer) {
        return () -> {
            asked.incrementAndGet();
            return answer;
        };
    }

    /** Stops the framework and returns what the policy says while the framework is stopping. */
    private StopMode modeAtAgentStop(ServerStopPolicy policy) throws Exception {
        AtomicReference<StopMode> seen = new AtomicReference<>();
        framework.getBundleContext().addBundleListener((SynchronousBundleListener) e -> {
            if (e.getType() == BundleEvent.STOPPING && e.getBundle().getBundleId() == 0) {
                seen.set(policy.onDeactivate());
            }
        });
        framework.stop();
        framework.waitForStop(5000);
        return seen.get();
    }

    @Test
    void aBundleUpdateOrSwapIsAGracefulRestartAndAsksNobody() {
        ServerStopPolicy policy = new ServerStopPolicy(framework.getBundleContext(),
                () -> advisor(StopMode.CEASE));
        assertThat(framework.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(policy.onDeactivate()).isEqualTo(StopMode.GRACEFUL_RESTART);
        assertThat(asked).hasValue(0);
    }

    @Test
    void atAgentStopTheAdvisorDecidesOnce() throws Exception {
        ServerStopPolicy policy = new ServerStopPolicy(framework.getBundleContext(),
                () -> advisor(StopMode.GRACEFUL_RESTART));
        assertThat(modeAtAgentStop(policy)).isEqualTo(StopMode.GRACEFUL_RESTART);
        assertThat(asked).hasValue(1);
    }

    @Test
    void atAgentStopWithoutAnAdvisorTheSessionsEndWithACease() throws Exception {
        ServerStopPolicy policy = new ServerStopPolicy(framework.getBundleContext(), () -> null);
        assertThat(modeAtAgentStop(policy)).isEqualTo(StopMode.CEASE);
    }

    @Test
    void anAdvisorThatFailsMeansACease() throws Exception {
        ServerStopPolicy policy = new ServerStopPolicy(framework.getBundleContext(), () -> () -> {
            throw new IllegalStateException("broken");
        });
        assertThat(modeAtAgentStop(policy)).isEqualTo(StopMode.CEASE);
    }
}
