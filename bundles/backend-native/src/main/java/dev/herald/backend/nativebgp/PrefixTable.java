package dev.herald.backend.nativebgp;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Prefix;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A hash table of prefixes kept in flat arrays (open addressing, linear probing, backward-shift deletion), with an
 * optional value per prefix. It holds no object per entry: about 18 bytes a slot as a set and 22 as a map, where a
 * {@code HashSet<Prefix>} costs some 80 bytes an entry. Adj-RIB-Outs are one per peer, so this is what keeps the
 * speaker's memory per route per peer small. Not thread-safe: the server's event loop owns it.
 */
final class PrefixTable<V> {
    private static final int MIN_CAPACITY = 16;
    private long[] his;
    private long[] los;
    /** 0: empty slot; else 1 + (IPv6 ? 256 : 0) + prefix length. */
    private short[] metas;
    private Object[] values;
    private final boolean map;
    private int size;

    private PrefixTable(boolean map) {
        this.map = map;
        allocate(MIN_CAPACITY);
    }

    static PrefixTable<Void> set() {
        return new PrefixTable<>(false);
    }

    static <V> PrefixTable<V> map() {
        return new PrefixTable<>(true);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(Prefix p) {
        return find(p) >= 0;
    }

    @SuppressWarnings("unchecked")
    V get(Prefix p) {
        int i = find(p);
        return i >= 0 && map ? (V) values[i] : null;
    }

    /** Adds to a set; true if it was not there. */
    boolean add(Prefix p) {
        int before = size;
        put(p, null);
        return size > before;
    }

    /** Puts a value (null in a set); returns the previous value. */
    @SuppressWarnings("unchecked")
    V put(Prefix p, V value) {
        if ((size + 1) * 10 > his.length * 7) {
            resize(his.length * 2);
        }
        short meta = meta(p);
        int mask = his.length - 1;
        int i = hash(p.hi(), p.lo(), meta) & mask;
        while (metas[i] != 0) {
            if (metas[i] == meta && his[i] == p.hi() && los[i] == p.lo()) {
                V old = map ? (V) values[i] : null;
                if (map) {
                    values[i] = value;
                }
                return old;
            }
            i = (i + 1) & mask;
        }
        his[i] = p.hi();
        los[i] = p.lo();
        metas[i] = meta;
        if (map) {
            values[i] = value;
        }
        size++;
        return null;
    }

    /** Removes {@code p}; returns its value (for a set: null), or null when absent. Use {@link #contains} first
     * when a set needs to know. */
    @SuppressWarnings("unchecked")
    V remove(Prefix p) {
        int i = find(p);
        if (i < 0) {
            return null;
        }
        V old = map ? (V) values[i] : null;
        deleteSlot(i);
        return old;
    }

    /** Removes {@code p}; true if it was there. */
    boolean delete(Prefix p) {
        int i = find(p);
        if (i < 0) {
            return false;
        }
        deleteSlot(i);
        return true;
    }

    void clear() {
        if (size > 0 || his.length > MIN_CAPACITY) {
            allocate(MIN_CAPACITY);
        }
    }

    void forEach(Consumer<Prefix> action) {
        for (int i = 0; i < his.length; i++) {
            if (metas[i] != 0) {
                action.accept(prefixAt(i));
            }
        }
    }

    @SuppressWarnings("unchecked")
    void forEach(BiConsumer<Prefix, V> action) {
        for (int i = 0; i < his.length; i++) {
            if (metas[i] != 0) {
                action.accept(prefixAt(i), map ? (V) values[i] : null);
            }
        }
    }

    private Prefix prefixAt(int i) {
        int m = metas[i] - 1;
        return new Prefix((m & 256) != 0 ? Afi.IPV6 : Afi.IPV4, his[i], los[i], m & 0xFF);
    }

    private int find(Prefix p) {
        short meta = meta(p);
        int mask = his.length - 1;
        int i = hash(p.hi(), p.lo(), meta) & mask;
        while (metas[i] != 0) {
            if (metas[i] == meta && his[i] == p.hi() && los[i] == p.lo()) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Backward-shift deletion: later entries of the probe run move up, so no tombstones accumulate. */
    private void deleteSlot(int i) {
        int mask = his.length - 1;
        int gap = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (metas[j] == 0) {
                break;
            }
            int home = hash(his[j], los[j], metas[j]) & mask;
            // move j into the gap if its home is not in (gap, j] (cyclically)
            boolean inRange = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
            if (!inRange) {
                his[gap] = his[j];
                los[gap] = los[j];
                metas[gap] = metas[j];
                if (map) {
                    values[gap] = values[j];
                }
                gap = j;
            }
        }
        metas[gap] = 0;
        his[gap] = 0;
        los[gap] = 0;
        if (map) {
            values[gap] = null;
        }
        size--;
        if (size * 10 < his.length && his.length > MIN_CAPACITY) {
            resize(Math.max(MIN_CAPACITY, his.length / 2)); // give memory back after mass withdrawals
        }
    }

    private void resize(int capacity) {
        long[] oldHis = his;
        long[] oldLos = los;
        short[] oldMetas = metas;
        Object[] oldValues = values;
        allocate(capacity);
        int mask = capacity - 1;
        for (int k = 0; k < oldHis.length; k++) {
            if (oldMetas[k] == 0) {
                continue;
            }
            int i = hash(oldHis[k], oldLos[k], oldMetas[k]) & mask;
            while (metas[i] != 0) {
                i = (i + 1) & mask;
            }
            his[i] = oldHis[k];
            los[i] = oldLos[k];
            metas[i] = oldMetas[k];
            if (map) {
                values[i] = oldValues[k];
            }
            size++;
        }
    }

    private void allocate(int capacity) {
        his = new long[capacity];
        los = new long[capacity];
        metas = new short[capacity];
        values = map ? new Object[capacity] : null;
        size = 0;
    }

    private static short meta(Prefix p) {
        return (short) (1 + (p.afi() == Afi.IPV6 ? 256 : 0) + p.length());
    }

    private static int hash(long hi, long lo, short meta) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ meta;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        forEach(p -> sb.append(sb.length() > 1 ? ", " : "").append(p));
        return sb.append(']').toString();
    }

    int capacityForTests() {
        return his.length;
    }

}
