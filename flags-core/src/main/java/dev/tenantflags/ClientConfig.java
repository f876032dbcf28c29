package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import java.time.Clock;
import java.time.Duration;

/** A client's validated settings, as {@link FeatureFlags.Builder} collected them. Immutable. */
record ClientConfig(
    FlagStore store,
    String environment,
    Duration pollInterval,
    Duration startupTimeout,
    boolean strict,
    FlagExport bootstrap,
    long tenantCacheSize,
    Duration tenantCacheExpiry,
    Clock clock,
    FeatureFlagsListener listener,
    long overrideMemoryLimit,
    Duration coldLoadTimeout,
    Duration storeTimeout,
    boolean usage,
    Duration usageFlushInterval,
    ExposureListener exposureListener,
    Duration exposureWindow,
    int exposureQueue) {}
