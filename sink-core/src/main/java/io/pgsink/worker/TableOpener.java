package io.pgsink.worker;

/** Gives a lane the part for a topic's table, made on the first record of the topic the lane sees. */
@FunctionalInterface
interface TableOpener {

    /** Never throws: a topic that cannot be routed or a table that cannot be opened comes back failed. */
    LaneTable open(String topic);
}
