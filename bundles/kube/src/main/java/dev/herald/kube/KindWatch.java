package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch of one kind of object: its informer, how an object goes into the {@link ClusterStore} and comes out, and
 * how to forget what a new list no longer has. A subclass per kind says those; this class knows when the first list
 * is all in and how to list again ({@link ApiWatchdog} decides when).
 *
 * @param <T> the fabric8 type of the kind
 */
abstract class KindWatch<T extends HasMetadata> {
    private static final Logger LOG = LoggerFactory.getLogger(KindWatch.class);

    final String kind;
    /** Whether the state is synced only once this kind is: an optional CRD may not be installed. */
    final boolean required;
    private final Telemetry telemetry;
    volatile SharedIndexInformer<T> informer;
    private volatile boolean everSynced;
    /** Keys handed to the store before the first sync was confirmed. */
    private final Set<String> firstList = ConcurrentHashMap.newKeySet();
    /** Objects handed over or deleted so far; counted after {@link #firstList} is written. */
    private final AtomicLong changes = new AtomicLong();
    /** {@link #changes} when the store was last compared with {@link #firstList} and found ahead (guarded). */
    private long comparedAt = -1;
    private volatile boolean prune;
    /** The last probe found the watch not running. */
    volatile boolean seenDown;

    KindWatch(String kind, boolean required, Telemetry telemetry) {
        this.kind = kind;
        this.required = required;
        this.telemetry = telemetry;
    }

    /** A new informer of this kind, not started. */
    abstract SharedIndexInformer<T> newInformer();

    /** An object added or changed. */
    abstract void upsert(T obj);

    /** An object deleted: by default, forgotten by its key. */
    void delete(T obj) {
        forget(keyOf(obj));
    }

    /** The key of an object, as {@link #known()} has it: by default its name (cluster-scoped kinds). */
    String keyOf(T obj) {
        return obj.getMetadata().getName();
    }

    /** The keys of every object of this kind the store holds. */
    abstract Set<String> known();

    /** Forgets an object a new list no longer has. */
    abstract void forget(String key);

    void start() {
        SharedIndexInformer<T> i = newInformer();
        i.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                telemetry.watchEvent(kind, "ADDED");
                guarded(obj, false);
                delivered(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                telemetry.watchEvent(kind, "MODIFIED");
                guarded(newObj, false);
                delivered(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                telemetry.watchEvent(kind, "DELETED");
                guarded(obj, true);
                changes.incrementAndGet(); // the store shrank: the comparison may come out differently
            }
        });
        informer = i;
        i.start();
    }

    /** One object that cannot be converted is logged and skipped; the informer goes on. */
    private void guarded(T obj, boolean deleted) {
        try {
            if (deleted) {
                delete(obj);
            } else {
                upsert(obj);
            }
        } catch (RuntimeException e) {
            LOG.warn("Ignoring {} {}: {}", obj.getKind(), obj.getMetadata().getName(), e.toString());
        }
    }

    private void delivered(T obj) {
        if (!everSynced) {
            firstList.add(Cache.metaNamespaceKeyFunc(obj));
            changes.incrementAndGet();
        }
    }

    /**
     * Listed at least once since start, and every listed object handed to the store: fabric8 says it has synced
     * when its store holds the list, while the handlers still receive it on another thread, and a pass over half a
     * list would elect the wrong policy or miss routes. A restart does not make the state unknown again.
     */
    boolean synced() {
        if (everSynced || !informer.hasSynced()) {
            return everSynced;
        }
        // Every pass of every agent asks, and each object handed over triggers passes: comparing the whole
        // store each time made the first list quadratic (100 agents on 5,000 Services spent minutes here).
        // Nothing handed over or deleted since the last comparison: the answer has not changed.
        synchronized (this) {
            long seen = changes.get();
            if (everSynced || seen == comparedAt) {
                return everSynced;
            }
            if (firstList.containsAll(informer.getStore().listKeys())) {
                everSynced = true;
                firstList.clear();
            } else {
                comparedAt = seen;
            }
            return everSynced;
        }
    }

    /** A new informer lists again; what the old one delivered stays until the new list is in. */
    void restart(String why) {
        LOG.info("Watching {} again: {}", kind, why);
        informer.close();
        prune = true;
        start();
        changes.incrementAndGet(); // another store: compare again
    }

    /** Once the new list is in: forget what it no longer has. */
    void prunePending() {
        if (!prune || !informer.hasSynced()) {
            return;
        }
        prune = false;
        Set<String> present = new HashSet<>();
        informer.getStore().list().forEach(o -> present.add(keyOf(o)));
        for (String k : known()) {
            if (!present.contains(k)) {
                LOG.info("{} {} was deleted while it was not watched", kind, k);
                forget(k);
            }
        }
    }

    void close() {
        informer.close();
    }

    // ---- helpers of the kinds ----

    static String namespacedKey(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    static InputReports.About about(String apiVersion, String kind, String namespace, String name, String uid) {
        return new InputReports.About(apiVersion, kind, namespace, name, uid);
    }

    /** What an Event about {@code o} names: kind and API version given, as list items may leave them out. */
    static InputReports.About about(String apiVersion, String kind, HasMetadata o) {
        return about(apiVersion, kind, o.getMetadata().getNamespace(), o.getMetadata().getName(),
                o.getMetadata().getUid());
    }

    static String apiVersion(ResourceDefinitionContext crd) {
        return crd.getGroup() + "/" + crd.getVersion();
    }
}
