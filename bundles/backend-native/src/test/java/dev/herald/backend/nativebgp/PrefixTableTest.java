package dev.herald.backend.nativebgp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Prefix;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrefixTableTest {
    @Test
    void behavesLikeAHashMapUnderRandomOperations() {
        PrefixTable<Integer> table = PrefixTable.map();
        Map<Prefix, Integer> model = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            Prefix p = random.nextBoolean()
                    ? Prefix.ipv4(random.nextInt(2000), 32)
                    : new Prefix(Afi.IPV6, 0, random.nextInt(2000), 128);
            switch (random.nextInt(3)) {
                case 0 -> assertThat(table.put(p, step)).isEqualTo(model.put(p, step));
                case 1 -> assertThat(table.remove(p)).isEqualTo(model.remove(p));
                default -> assertThat(table.get(p)).isEqualTo(model.get(p));
            }
            assertThat(table.size()).isEqualTo(model.size());
        }
        Map<Prefix, Integer> seen = new HashMap<>();
        table.forEach((p, v) -> seen.put(p, v));
        assertThat(seen).isEqualTo(model);
    }

    @Test
    void keepsFamiliesAndLengthsApart() {
        PrefixTable<Void> set = PrefixTable.set();
        // the same bits as IPv4 /32, IPv4 /24 and IPv6 /128: three different prefixes
        assertThat(set.add(Prefix.ipv4(0x0A000000, 32))).isTrue();
        assertThat(set.add(Prefix.ipv4(0x0A000000, 24))).isTrue();
        assertThat(set.add(new Prefix(Afi.IPV6, 0, 0x0A000000L, 128))).isTrue();
        assertThat(set.add(Prefix.ipv4(0x0A000000, 24))).isFalse();
        assertThat(set.size()).isEqualTo(3);
        Set<Prefix> all = new HashSet<>();
        set.forEach(all::add);
        assertThat(all).containsExactlyInAnyOrder(Prefix.ipv4(0x0A000000, 32), Prefix.ipv4(0x0A000000, 24),
                new Prefix(Afi.IPV6, 0, 0x0A000000L, 128));
    }

    @Test
    void shrinksAfterMassRemovalAndClear() {
        PrefixTable<Void> set = PrefixTable.set();
        for (int i = 0; i < 100_000; i++) {
            set.add(Prefix.ipv4(i, 32));
        }
        int full = set.capacityForTests();
        for (int i = 0; i < 99_990; i++) {
            assertThat(set.delete(Prefix.ipv4(i, 32))).isTrue();
        }
        assertThat(set.size()).isEqualTo(10);
        assertThat(set.capacityForTests()).isLessThan(full / 100);
        for (int i = 99_990; i < 100_000; i++) {
            assertThat(set.contains(Prefix.ipv4(i, 32))).isTrue();
        }
        set.clear();
        assertThat(set.isEmpty()).isTrue();
        assertThat(set.capacityForTests()).isEqualTo(16);
    }
}
