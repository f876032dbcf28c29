package dev.tenantflags.jmh;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import dev.tenantflags.TenantKey;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.FlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared set-up for the benchmarks: tenant keys, flags of every evaluation path, and clients.
 * Stores are filled through the {@link FlagStore} SPI directly (not through {@code FlagAdmin}) so
 * that set-up of 100,000 overrides does not refresh a client 100,000 times.
 */
final class Fixtures {
  static final String ENV = "bench";
  static final String ACTOR = "jmh";

  /**
   * Distinct tenants each evaluation benchmark cycles through, so no single-key caching hides cost.
   */
  static final int TENANTS = 10_000;

  /** How many plans exist; a TARGETED-by-plans flag accepts the first 1,000 of them. */
  static final int PLANS = 2_000;

  private Fixtures() {}

  /**
   * Tenant ids {@code prefix-00000}... each with a {@code plan} attribute cycling over {@link
   * #PLANS}.
   */
  static TenantKey[] tenants(String prefix, int count) {
    TenantKey[] keys = new TenantKey[count];
    for (int i = 0; i < count; i++) {
      keys[i] = TenantKey.of(tenantId(prefix, i)).with("plan", plan(i % PLANS));
    }
    return keys;
  }

  /** Tenant ids only, {@code prefix-00000}..., for benchmarks that build keys per request. */
  static String[] tenantIds(String prefix, int count) {
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      ids[i] = tenantId(prefix, i);
    }
    return ids;
  }

  static String tenantId(String prefix, int i) {
    return String.format("%s-%05d", prefix, i);
  }

  static String plan(int i) {
    return String.format("plan-%04d", i);
  }

  static List<String> plans(int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(plan(i));
    }
    return out;
  }

  static Flag flag(String key, FlagState state) {
    return Flag.of(key).withState(state);
  }

  static Scope scope(String attribute, List<String> values) {
    return Scope.EMPTY.with(attribute, values);
  }

  static void create(FlagStore store, Flag flag) {
    Instant now = Instant.now();
    store.createFlag(
        ENV,
        flag.withVersion(1, now, ACTOR),
        audit(now, AuditAction.FLAG_CREATED, flag.key(), null));
  }

  static void override(FlagStore store, String key, String tenantId, boolean enabled) {
    Instant now = Instant.now();
    store.putOverride(
        ENV,
        new TenantOverride(key, tenantId, enabled, false, null, now, ACTOR),
        current -> audit(now, AuditAction.OVERRIDE_SET, key, tenantId));
  }

  private static AuditEntry audit(Instant at, AuditAction action, String key, String tenantId) {
    return new AuditEntry(0, at, ACTOR, action, ENV, key, tenantId, null, null, "benchmark set-up");
  }

  /** A client of {@link #ENV} that has loaded its first snapshot, counting usage (the default). */
  static FeatureFlags client(FlagStore store) {
    return client(store, Duration.ofSeconds(1), true);
  }

  /**
   * A client of {@link #ENV} that has loaded its first snapshot; {@code usage} turns counting on.
   */
  static FeatureFlags client(FlagStore store, boolean usage) {
    return client(store, Duration.ofSeconds(1), usage);
  }

  static FeatureFlags client(FlagStore store, Duration pollInterval) {
    return client(store, pollInterval, true);
  }

  static FeatureFlags client(FlagStore store, Duration pollInterval, boolean usage) {
    FeatureFlags.Builder builder =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .pollInterval(pollInterval)
            .strictStartup(true)
            .startupTimeout(Duration.ofSeconds(30));
    return usage(builder, usage).build();
  }

  /** Turns usage counting (SPEC §8) on (the client's default) or off. */
  static FeatureFlags.Builder usage(FeatureFlags.Builder builder, boolean usage) {
    return builder.usage(usage);
  }

  /**
   * Throws when a fixture does not evaluate the way its benchmark claims, so a benchmark never
   * measures the wrong path.
   */
  static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark fixture is wrong: " + what);
    }
  }
}
