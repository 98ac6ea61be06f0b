package io.pgsink.worker;

import io.pgsink.model.SinkRecord;

/** Gives a lane the part for a topic's table, made on the first record of the topic the lane sees. */
@FunctionalInterface
interface TableOpener {

    /**
     * Never throws: a topic that cannot be routed or a table that cannot be opened comes back failed.
     *
     * @param first the topic's first record: a table auto-created from the records' schema is created from its
     */
    LaneTable open(SinkRecord first);
}
