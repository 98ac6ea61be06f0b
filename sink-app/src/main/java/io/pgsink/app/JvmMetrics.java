package io.pgsink.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * Micrometer's JVM, GC, thread and process binders, plus the heap peaks the bench and the memory test read
 * ({@link HeapPeak}: the most heap in use at one moment, and right after a collection), which no binder offers.
 */
final class JvmMetrics implements AutoCloseable {

    private final JvmGcMetrics gc;

    private JvmMetrics(JvmGcMetrics gc) {
        this.gc = gc;
    }

    static JvmMetrics bind(MeterRegistry registry) {
        HeapPeak.watch();
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("jvm.heap.used.peak", HeapPeak::bytes)
                .baseUnit("bytes")
                .description("The most heap in use at one moment since start (sampled before each collection)")
                .register(registry);
        Gauge.builder("jvm.heap.used.after.gc.peak", HeapPeak::afterGcBytes)
                .baseUnit("bytes")
                .description("The most heap still in use right after a collection since start")
                .register(registry);
        return new JvmMetrics(gc);
    }

    @Override
    public void close() {
        gc.close();
    }
}
