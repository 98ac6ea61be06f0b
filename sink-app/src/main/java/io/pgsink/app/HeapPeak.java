package io.pgsink.app;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap this JVM has had in use at one moment. Heap use peaks just before a collection, so the heap in
 * use before each GC (summed over pools at that instant) is recorded, plus what is in use when asked. Summing each
 * pool's own peak instead would add peaks from different moments and overstate it.
 */
final class HeapPeak {

    private static final AtomicLong PEAK = new AtomicLong();
    private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();
    /** The GC reports every pool, metaspace and code cache included; only these are heap. */
    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());

    static {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) {
                ((NotificationEmitter) gc)
                        .addNotificationListener(
                                (notification, handback) -> {
                                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                                            notification.getType())) {
                                        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                                                (CompositeData) notification.getUserData());
                                        long before = info.getGcInfo().getMemoryUsageBeforeGc().entrySet().stream()
                                                .filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                                                .mapToLong(
                                                        pool -> pool.getValue().getUsed())
                                                .sum();
                                        PEAK.accumulateAndGet(before, Math::max);
                                        long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                                                .filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                                                .mapToLong(
                                                        pool -> pool.getValue().getUsed())
                                                .sum();
                                        PEAK_AFTER_GC.accumulateAndGet(after, Math::max);
                                    }
                                },
                                null,
                                null);
            }
        }
    }

    private HeapPeak() {}

    /** Starts watching collections; call once at start. */
    static void watch() {
        // Loading the class registers the listeners.
    }

    /**
     * The most heap still in use right after a collection: what the worker holds plus garbage the collection left
     * (a young collection leaves the old generation's). Unlike {@link #bytes()}, which approaches the maximum heap
     * whatever the worker holds, this one approaching the maximum means the heap is too small.
     */
    static long afterGcBytes() {
        return PEAK_AFTER_GC.get();
    }

    static long bytes() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return PEAK.accumulateAndGet(now, Math::max);
    }
}
