/**
 * Pure accumulation: the {@code Batcher} cuts micro-batches by size target, byte cap or linger, on an injected
 * clock, and the {@code AdaptiveSizeTarget} moves the size target by commit latency. No I/O, no Kafka, no JDBC.
 */
package io.pgsink.batch;
