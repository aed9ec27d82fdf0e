package dev.herald.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Advertisements;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceGraceTest {
    private static final Advertisements CLUSTER_IPS = new Advertisements(Set.of(ServiceIPType.CLUSTER_IP), false,
            false);
    private final Route route = Route.of("10.96.0.1/32", RouteType.SERVICE_CLUSTER_IP, "ns/a");
    private final Map<IPAddress, Route> advertised = Map.of(route.prefix(), route);
    private Duration grace = Duration.ofHours(1);
    private final SourceGrace hold = new SourceGrace(() -> grace);

    private Map<IPAddress, Set<Route>> next(Set<RouteType> covered, Advertisements ads) {
        Map<IPAddress, Set<Route>> next = new HashMap<>();
        hold.hold(ads, covered, advertised, next);
        return next;
    }

    @Test
    void theRoutesOfATypeNoSourceProducesAreHeldUntilTheGracePeriodEnds() {
        assertThat(hold.nextExpiry()).isEmpty();
        assertThat(next(EnumSet.noneOf(RouteType.class), CLUSTER_IPS)).containsOnlyKeys(route.prefix());
        assertThat(hold.nextExpiry()).hasValueSatisfying(d -> assertThat(d).isPositive());

        grace = Duration.ZERO;
        assertThat(next(EnumSet.noneOf(RouteType.class), CLUSTER_IPS)).isEmpty();
        assertThat(hold.nextExpiry()).hasValue(Duration.ZERO); // until the withdrawal succeeded
        hold.withdrawn(List.of());
        assertThat(hold.nextExpiry()).isEmpty();
    }

    @Test
    void aSourceThatCameBackEndsTheHold() {
        next(EnumSet.noneOf(RouteType.class), CLUSTER_IPS);
        assertThat(next(EnumSet.of(RouteType.SERVICE_CLUSTER_IP), CLUSTER_IPS)).isEmpty();
        assertThat(hold.nextExpiry()).isEmpty();
    }

    @Test
    void routesOfATypeThePolicyNoLongerAdvertisesAreNotHeld() {
        assertThat(next(EnumSet.noneOf(RouteType.class), new Advertisements(Set.of(), false, false))).isEmpty();
        assertThat(hold.nextExpiry()).isEmpty();
    }
}
