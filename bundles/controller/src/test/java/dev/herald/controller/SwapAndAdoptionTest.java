package dev.herald.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Advertisements;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.LabelSelector;
import dev.herald.api.spi.StopMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The server slot through the reconciler (issue 7): a backend swap is a graceful restart, never a withdrawal; a new
 * controller adopts the running server and sends only the difference; a missing source's routes are held.
 */
class SwapAndAdoptionTest extends ReconcilerFixture {
    // ---- backend swap (issue 7): a graceful restart, never a withdrawal ----

    private final Fakes.Backend nativeBackend = new Fakes.Backend("native");
    private final Fakes.Backend gobgpBackend = nativeBackend.other("gobgp");
    private Fakes.Backend selected = nativeBackend;

    /** A reconciler whose backend the test switches, as editing {@code backend} in etc/herald.cfg does. */
    private BgpPolicyReconciler swappable() {
        return new BgpPolicyReconciler(cluster, writer, () -> Optional.ofNullable(selected),
                () -> List.copyOf(sources), BgpPolicyReconciler.Settings.DEFAULT);
    }

    /** One policy, one peer, one route, applied on the native backend: where the swap tests start. */
    private BgpPolicyReconciler runningOnNativeWithOneRoute() {
        BgpPolicyReconciler r = swappable();
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        swapPass(r);
        return r;
    }

    private List<String> swapPass(BgpPolicyReconciler r) {
        int before = nativeBackend.log.size();
        r.reconcile();
        return List.copyOf(nativeBackend.log.subList(before, nativeBackend.log.size()));
    }

    @Test
    void aBackendSwapStopsTheOldServerForAGracefulRestartAndStartsTheNewOneAsARestartWithEverything() {
        BgpPolicyReconciler r = swappable();
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        services.set("ns/b", "10.96.0.2");
        assertThat(swapPass(r)).hasSize(3).first().isEqualTo("start AS 65001 id 192.168.0.11 port 179");
        Fakes.Backend.Server first = nativeBackend.current();
        assertThat(first.startMode).isEqualTo(dev.herald.api.spi.StartMode.FRESH);

        selected = gobgpBackend;
        r.invalidate();
        List<String> calls = swapPass(r);
        assertThat(calls).hasSize(5);
        // the new server gets ready before the old one stops: peers reconnecting at once find it there
        assertThat(calls.get(0)).isEqualTo("prepare AS 65001 on gobgp");
        assertThat(calls.get(1)).isEqualTo("stop AS 65001 gracefully");
        assertThat(calls.get(2)).isEqualTo("start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart");
        // the whole table before the peers: End-of-RIB must not go out ahead of the routes
        assertThat(calls.get(3)).isEqualTo("advertise [10.96.0.1/32, 10.96.0.2/32]");
        assertThat(calls.get(4)).startsWith("addPeer ");
        assertThat(calls).noneMatch(c -> c.startsWith("withdraw"));
        assertThat(first.stopMode).isEqualTo(StopMode.GRACEFUL_RESTART);
        Fakes.Backend.Server second = nativeBackend.current();
        assertThat(second.backendName).isEqualTo("gobgp");
        assertThat(second.startMode).isEqualTo(dev.herald.api.spi.StartMode.GRACEFUL_RESTART);
        assertThat(second.routes).containsOnlyKeys("10.96.0.1/32", "10.96.0.2/32");
        assertThat(writer.events).anyMatch(e -> e.contains("backend gobgp replacing native (graceful restart)"));
        assertThat(r.status().routes()).hasSize(2);

        // and back; then steady passes change nothing
        selected = nativeBackend;
        r.invalidate();
        assertThat(swapPass(r)).startsWith("prepare AS 65001 on native", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on native as a graceful restart");
        assertThat(nativeBackend.current().routes).hasSize(2);
        r.invalidate();
        assertThat(swapPass(r)).isEmpty();

        // the next server for other reasons is fresh again, and its predecessor ends with a Cease
        cluster.put(policy("p", 100, 65002, 179, peer("10.0.0.2", 65000)));
        r.invalidate();
        assertThat(swapPass(r)).startsWith("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
        assertThat(nativeBackend.servers.get(2).stopMode).isEqualTo(StopMode.CEASE);
        assertThat(nativeBackend.current().startMode).isEqualTo(dev.herald.api.spi.StartMode.FRESH);
    }

    @Test
    void aNodeLeavingItsPolicyStillCeasesAfterASwap() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        swapPass(r);

        clearPolicies();
        r.invalidate();
        assertThat(swapPass(r)).containsExactly("stop AS 65001");
        assertThat(nativeBackend.current().stopMode).isEqualTo(StopMode.CEASE);
    }

    @Test
    void aSwapWhoseNewServerFailsToStartIsStillARestartOnTheRetry() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        nativeBackend.fail("start");
        assertThatThrownBy(() -> r.reconcile()).hasMessageContaining("injected failure of start");
        assertThat(nativeBackend.servers.get(0).stopMode).isEqualTo(StopMode.GRACEFUL_RESTART);

        List<String> retry = swapPass(r);
        assertThat(retry.get(0)).isEqualTo("start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart");
        assertThat(retry).contains("advertise [10.96.0.1/32]").noneMatch(c -> c.startsWith("withdraw"));
    }

    @Test
    void aSwapWhoseNewServerCannotPrepareStartsItAfterTheOldOneStopped() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        nativeBackend.fail("prepare");
        List<String> calls = swapPass(r);
        assertThat(calls).startsWith("FAILED prepare AS 65001", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart");
        assertThat(nativeBackend.current().started).isTrue();
    }

    @Test
    void aSwapWhoseOldServerFailsToStopEndsWhatTheNewOnePrepared() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        nativeBackend.fail("stop");
        assertThatThrownBy(() -> r.reconcile()).hasMessageContaining("injected failure of stop");
        Fakes.Backend.Server prepared = nativeBackend.current();
        assertThat(prepared.backendName).isEqualTo("gobgp");
        assertThat(prepared.started).isFalse();
        assertThat(prepared.stopMode).as("a prepared daemon must not outlive the failed pass")
                .isEqualTo(StopMode.CEASE);
    }

    /**
     * A server whose start failed (its port taken) is stopped: the native one had already started the thread of its
     * event loop, and each retry of the reconcile loop left one more behind.
     */
    @Test
    void aServerThatFailedToStartIsStoppedSoThatNothingItOpenedLeaks() {
        BgpPolicyReconciler r = swappable();
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        nativeBackend.fail("start");
        assertThatThrownBy(() -> r.reconcile()).hasMessageContaining("injected failure of start");
        assertThat(nativeBackend.current().stopMode).isEqualTo(StopMode.CEASE);
        assertThat(nativeBackend.log).containsExactly("FAILED start AS 65001", "stop AS 65001");
    }

    @Test
    void aBackendChangeTogetherWithNewParametersIsAnOrdinaryRestartWithACease() {
        BgpPolicyReconciler r = swappable();
        cluster.put(policy("p", 100, 65001, 179));
        swapPass(r);
        selected = gobgpBackend;
        cluster.put(policy("p", 100, 65001, 1179));
        r.invalidate();
        assertThat(swapPass(r)).containsExactly("stop AS 65001", "start AS 65001 id 192.168.0.11 port 1179");
        assertThat(nativeBackend.current().backendName).isEqualTo("gobgp");
        assertThat(nativeBackend.current().startMode).isEqualTo(dev.herald.api.spi.StartMode.FRESH);
    }

    @Test
    void anUpdatedBackendBundleIsAGracefulSwapToItsNewInstance() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        Fakes.Backend.Server old = nativeBackend.current();

        // the old instance is unregistered and stops its servers itself (the controller must not race that: at
        // shutdown it is a Cease); the new one is not there yet, which is no failure to report
        r.factoryGone(nativeBackend);
        selected = null;
        int conditionWrites = writer.conditionWrites;
        assertThat(r.reconcile().waitingFor()).contains("the BGP backend to register");
        assertThat(old.stopped).isFalse();
        assertThat(writer.conditionWrites).isEqualTo(conditionWrites);

        selected = nativeBackend.other("native");
        List<String> calls = swapPass(r);
        assertThat(calls).containsExactly("start AS 65001 id 192.168.0.11 port 179 on native as a graceful restart",
                "advertise [10.96.0.1/32]", "addPeer " + nativeBackend.current().peers.values().iterator().next());
        assertThat(r.lastSwap()).hasValueSatisfying(s -> assertThat(s.server()).isSameAs(nativeBackend.current()));
    }

    @Test
    void anotherInstanceOfTheSameBackendIsASwapEvenWithoutBeingToldTheOldOneWent() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = nativeBackend.other("native");
        r.invalidate();
        assertThat(swapPass(r)).startsWith("prepare AS 65001 on native", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on native as a graceful restart", "advertise [10.96.0.1/32]")
                .noneMatch(c -> c.startsWith("withdraw"));
    }

    // ---- a replaced controller (issue 7): adopt the running server, send only the difference ----

    /** A reconciler as a new controller instance builds it: it may adopt what the backend still runs. */
    private BgpPolicyReconciler adopting(BgpPolicyReconciler.Settings settings) {
        return new BgpPolicyReconciler(cluster, writer, () -> Optional.of(backend), () -> List.copyOf(sources),
                settings, () -> List.of(backend));
    }

    private void runningServerWithTwoRoutes() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        services.set("ns/b", "10.96.0.2");
        assertThat(pass()).hasSize(3); // start, addPeer, advertise
    }

    @Test
    void aNewControllerAdoptsTheRunningServerAndSendsOnlyWhatChangedMeanwhile() {
        runningServerWithTwoRoutes();
        Fakes.Backend.Server running = backend.current();

        // the controller bundle is updated; meanwhile one Service went and another came
        services.set("ns/b");
        services.set("ns/c", "10.96.0.3");
        reconciler = adopting(BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(pass()).containsExactly("withdraw [10.96.0.2/32]", "advertise [10.96.0.3/32]");
        assertThat(reconciler.server()).isSameAs(running);
        assertThat(reconciler.backendName()).contains("recording");
        assertThat(reconciler.status().routes()).extracting(rt -> rt.prefix().toCanonicalString())
                .containsExactlyInAnyOrder("10.96.0.1/32", "10.96.0.3/32");
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
    }

    @Test
    void anAdoptedServerWithOtherParametersIsRestartedWithACease() {
        runningServerWithTwoRoutes();
        cluster.put(policy("p", 100, 65002, 179, peer("10.0.0.2", 65000)));
        reconciler = adopting(BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(pass()).startsWith("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
        assertThat(backend.servers.get(0).stopMode).isEqualTo(StopMode.CEASE);
    }

    @Test
    void aServerLeftRunningIsStoppedWhenNoPolicySelectsTheNodeAnyMore() {
        runningServerWithTwoRoutes();
        clearPolicies();
        reconciler = adopting(BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(pass()).containsExactly("stop AS 65001");
        assertThat(backend.current().stopMode).isEqualTo(StopMode.CEASE);
    }

    @Test
    void theRoutesOfASourceThatIsNotBoundYetAreKeptAndNotResent() {
        runningServerWithTwoRoutes();
        sources.clear(); // the new controller is active before its sources are bound
        reconciler = adopting(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ofHours(1)));
        assertThat(pass()).isEmpty();
        assertThat(reconciler.status().routes()).hasSize(2);
        assertThat(reconciler.nextHoldExpiry()).hasValueSatisfying(d -> assertThat(d).isPositive());

        sources.add(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        assertThat(reconciler.nextHoldExpiry()).isEmpty();
    }

    @Test
    void aSourceThatGoesAwayIsWithdrawnOnlyAfterItsGracePeriod() {
        reconciler = adopting(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ofHours(1)));
        runningServerWithTwoRoutes();

        // a bundle update: gone and back within the grace period withdraws and re-sends nothing
        sources.remove(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        sources.add(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();

        // a removal: once the grace period is over, the routes go
        sources.remove(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        reconciler.settings(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ZERO));
        assertThat(pass()).containsExactly("withdraw [10.96.0.1/32, 10.96.0.2/32]");
        assertThat(reconciler.nextHoldExpiry()).isEmpty();

        // and back: advertised again
        sources.add(services);
        reconciler.invalidate();
        assertThat(pass()).containsExactly("advertise [10.96.0.1/32, 10.96.0.2/32]");
    }

    @Test
    void routesOfATypeThePolicyNoLongerAdvertisesAreNotHeld() {
        reconciler = adopting(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ofHours(1)));
        runningServerWithTwoRoutes();
        sources.remove(services);
        cluster.put(new BgpPolicy("p", Instant.ofEpochSecond(100), 1, new BgpPolicySpec(LabelSelector.ALL,
                65001, 179, Optional.empty(), new Advertisements(Set.of(), false, false),
                List.of(peer("10.0.0.2", 65000)))));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("withdraw [10.96.0.1/32, 10.96.0.2/32]");
    }

    @Test
    void aNewControllerWhoseBackendIsNotBoundYetAdoptsOnceItIs() {
        runningServerWithTwoRoutes();
        Fakes.Backend.Server running = backend.current();
        java.util.concurrent.atomic.AtomicBoolean bound = new java.util.concurrent.atomic.AtomicBoolean();
        reconciler = new BgpPolicyReconciler(cluster, writer,
                () -> bound.get() ? Optional.of(backend) : Optional.empty(), () -> List.copyOf(sources),
                BgpPolicyReconciler.Settings.DEFAULT, () -> bound.get() ? List.of(backend) : List.of());
        assertThat(reconciler.reconcile().waitingFor()).contains("the BGP backend to register");
        bound.set(true);
        assertThat(pass()).isEmpty();
        assertThat(reconciler.server()).isSameAs(running);
    }

    @Test
    void aNewServerGetsItsTableBeforeItsPeersSoEndOfRibNeverComesFirst() {
        // after a crash peers may still hold our routes as stale: an early End-of-RIB would make them drop those
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        List<String> calls = pass();
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).startsWith("start AS 65001");
        assertThat(calls.get(1)).isEqualTo("advertise [10.96.0.1/32]");
        assertThat(calls.get(2)).startsWith("addPeer ");
    }

    @Test
    void routesHeldForAMissingSourceSurviveABackendSwapAndReachTheNewServer() {
        BgpPolicyReconciler r = new BgpPolicyReconciler(cluster, writer, () -> Optional.ofNullable(selected),
                () -> List.copyOf(sources), new BgpPolicyReconciler.Settings(Optional.empty(),
                java.time.Duration.ofHours(1)));
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        swapPass(r);
        // a source update and a backend swap at the same moment
        sources.remove(services);
        selected = gobgpBackend;
        r.invalidate();
        List<String> calls = swapPass(r);
        assertThat(calls).startsWith("prepare AS 65001 on gobgp", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart", "advertise [10.96.0.1/32]")
                .noneMatch(c -> c.startsWith("withdraw"));
        sources.add(services);
        r.invalidate();
        assertThat(swapPass(r)).isEmpty();
    }

    @Test
    void aBackendThatNeverComesIsReportedOnceTheWaitIsOver() {
        cluster.put(policy("p", 100, 65001, 179));
        reconciler = new BgpPolicyReconciler(cluster, writer, Optional::empty, () -> List.copyOf(sources),
                BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(reconciler.reconcile().waitingFor()).contains("the BGP backend to register");
        reconciler.endBackendWait(); // 15 s in real life
        assertThatThrownBy(() -> reconciler.reconcile()).hasMessageContaining("no BGP backend is available");
        assertThat(writer.conditions.values()).anyMatch(c -> c.contains("False BgpServerFailed: no BGP backend is "
                + "available"));
    }
}
