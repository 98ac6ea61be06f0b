package io.pgsink.config;

/** How the worker writes its log lines ({@code log.format}). */
public enum LogFormat {
    /** One human-readable line per event. */
    TEXT,
    /** One JSON object per line, with the batch's route, table, partitions, offsets, batch id and trace id. */
    JSON
}
