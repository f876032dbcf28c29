package dev.tenantflags;

import static org.assertj.core.api.Assertions.fail;

import dev.tenantflags.spi.FlagStore;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Shared set-up for client tests: a short poll interval and a polling wait without extra libraries.
 */
final class TestFlags {
  static final String ENV = "test";
  static final Duration POLL = Duration.ofMillis(20);

  /** Generous: the machine is shared, and a wait only costs time when something is broken. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private TestFlags() {}

  /** A client of {@link #ENV} polling every 20 ms. */
  static FeatureFlags client(FlagStore store) {
    return FeatureFlags.builder()
        .store(store)
        .environment(ENV)
        .pollInterval(POLL)
        .startupTimeout(PATIENCE)
        .build();
  }

  /** Polls until the condition holds, failing with {@code what} after {@link #PATIENCE}. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting until " + what);
      }
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  /** Every audit entry of the store (up to the query maximum). */
  static int auditSize(FlagStore store) {
    return store.audit(new AuditQuery(null, null, null, null, null, AuditQuery.MAX_LIMIT)).size();
  }
}
