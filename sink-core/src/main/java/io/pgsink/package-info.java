/**
 * The public API of pgsink: {@link io.pgsink.SinkWorker}, the facade that starts, reports on and stops a worker,
 * and the values it reports ({@link io.pgsink.Health}, {@link io.pgsink.SinkStats}); and
 * {@link io.pgsink.GroupOffsets}, the operator's view of a consumer group's offsets and their reset;
 * {@link io.pgsink.Preflight}, the checks of {@code pgsink validate}; and {@link io.pgsink.DeadLetterQueue}, dead letters
 * read and replayed. Everything in the
 * subpackages is internal and may change between releases; applications use only this package and
 * {@code io.pgsink.config}. Signatures here use nothing third party beyond the JDK.
 */
package io.pgsink;
