/**
 * Settings: the property catalog ({@code ConfigCatalog}: every key once, with type, default, validator and doc,
 * the source of {@code docs/configuration.md}), parsing from a map plus environment overrides, validation that
 * names every bad key at once, and the immutable {@code SinkConfig} the rest of the worker reads. JDK only.
 */
package io.pgsink.config;
