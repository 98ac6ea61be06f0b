/**
 * Internal wiring of a running worker: writer lanes (a batcher, a decoder thread and a writer thread each), the
 * pipeline that routes a partition's records to its lane and reports completions to the poll loop, partition
 * ownership, health and counters. Only the {@code io.pgsink} facade uses it.
 */
package io.pgsink.worker;
