package dev.tenantflags.spring;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Instant;

/**
 * Micrometer meters of a client, tagged with its environment: {@code tenantflags.status} (one gauge
 * per state, 1 for the current state and 0 for the others), {@code tenantflags.refresh.age}
 * (seconds since the last good refresh; NaN before the first), and {@code tenantflags.flags} (flags
 * served).
 *
 * <p>Thread safety: gauges read the client's status when scraped; safe for concurrent use.
 */
public final class FlagsMeterBinder implements MeterBinder {

  private final FeatureFlags flags;
  private final Clock clock;

  /**
   * Creates the binder.
   *
   * @param flags the client
   * @param clock the clock refresh age is measured with
   */
  public FlagsMeterBinder(FeatureFlags flags, Clock clock) {
    this.flags = flags;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    String env = flags.environment();
    for (Status.State state : Status.State.values()) {
      Gauge.builder("tenantflags.status", flags, f -> f.status().state() == state ? 1.0 : 0.0)
          .description("1 for the client's current state, 0 for the others")
          .tag("environment", env)
          .tag("state", state.name())
          .register(registry);
    }
    Gauge.builder("tenantflags.refresh.age", flags, this::refreshAgeSeconds)
        .description("seconds since flags were last loaded from the store")
        .baseUnit("seconds")
        .tag("environment", env)
        .register(registry);
    Gauge.builder("tenantflags.flags", flags, f -> f.flags().size())
        .description("flags the client serves, archived included")
        .tag("environment", env)
        .register(registry);
  }

  private double refreshAgeSeconds(FeatureFlags f) {
    Instant last = f.status().lastRefresh();
    if (last == null) {
      return Double.NaN;
    }
    return Math.max(0, clock.millis() - last.toEpochMilli()) / 1000.0;
  }
}
