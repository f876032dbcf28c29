package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Reason;
import dev.tenantflags.TenantKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long does one {@link FeatureFlags#isEnabled(String, dev.tenantflags.TenantKey)} take on a
 * warm client, per evaluation path, and does it allocate?
 *
 * <p>One benchmark method per path of SPEC §3: {@code ON}; {@code TARGETED} by a scope of 100
 * tenant ids; {@code TARGETED} by a scope of 1,000 plans; {@code ROLLOUT} 25 %; an override hit; a
 * tenant without an override on a flag that has overrides (the override cache is consulted and
 * misses); an unknown flag. Every method cycles round-robin over 10,000 distinct, pre-built {@link
 * TenantKey}s so that no single-key caching (in the CPU or in the library) hides the cost; every
 * tenant's overrides are loaded in set-up, so this is the warm path. The store is {@link
 * InMemoryFlagStore}; the hot path never touches it. The round-robin step itself (about 1 ns) is
 * included. Each path runs with usage counting on and off ({@code usage}). {@code onById} and
 * {@code overrideHitById} take the same paths through {@code isEnabled(String flagKey, String
 * tenantId)}, the overload for tenants known by id alone.
 *
 * <p>Run (allocation appears as {@code gc.alloc.rate.norm}, bytes per operation):
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar IsEnabledBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IsEnabledBenchmark {

  static final String ON = "on_flag";
  static final String TARGETED_TENANTS = "targeted_tenants";
  static final String TARGETED_PLANS = "targeted_plans";
  static final String ROLLOUT = "rollout_25";
  static final String WITH_OVERRIDES = "with_overrides";
  static final String UNKNOWN = "no_such_flag";

  /**
   * How many distinct tenants each method cycles through: 10,000 is the benchmark; {@code -p
   * tenantCount=100} shows the same code with every tenant's data in L1/L2, which isolates the
   * memory cost of a large working set.
   */
  @Param({"10000"})
  public int tenantCount;

  /** Usage counting (SPEC §8) on, the default, or off: the difference is what counting costs. */
  @Param({"true", "false"})
  public boolean usage;

  private InMemoryFlagStore store;
  private FeatureFlags flags;

  /** Tenants that have an override of {@link #WITH_OVERRIDES}. */
  private TenantKey[] overridden;

  /** Tenants with no override of anything. */
  private TenantKey[] plain;

  private int cursor;

  /** Builds the store and a warm client. */
  @Setup(Level.Trial)
  public void setUp() {
    store = new InMemoryFlagStore();
    overridden = Fixtures.tenants("t", tenantCount);
    plain = Fixtures.tenants("u", tenantCount);
    List<String> hundredTenants = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundredTenants.add(Fixtures.tenantId("u", i * (Fixtures.TENANTS / 100)));
    }
    Fixtures.create(store, Fixtures.flag(ON, FlagState.ON));
    Fixtures.create(
        store,
        Fixtures.flag(TARGETED_TENANTS, FlagState.TARGETED)
            .withScope(Fixtures.scope(TenantKey.TENANT_ATTRIBUTE, hundredTenants)));
    Fixtures.create(
        store,
        Fixtures.flag(TARGETED_PLANS, FlagState.TARGETED)
            .withScope(Fixtures.scope("plan", Fixtures.plans(1_000))));
    Fixtures.create(store, Fixtures.flag(ROLLOUT, FlagState.ROLLOUT).withRolloutBasisPoints(2_500));
    Fixtures.create(store, Fixtures.flag(WITH_OVERRIDES, FlagState.ON));
    for (int i = 0; i < overridden.length; i++) {
      Fixtures.override(store, WITH_OVERRIDES, overridden[i].id(), i % 2 == 0);
    }
    flags = Fixtures.client(store, usage);
    warm(flags, overridden, plain);
    Fixtures.check(flags.evaluate(ON, plain[0]).reason() == Reason.ON, "on");
    Fixtures.check(
        flags.evaluate(TARGETED_TENANTS, plain[0]).reason() == Reason.TARGET_MATCH,
        "targeted tenants");
    Fixtures.check(
        flags.evaluate(TARGETED_TENANTS, plain[1]).reason() == Reason.NO_MATCH, "targeted tenants");
    Fixtures.check(
        flags.evaluate(TARGETED_PLANS, plain[0]).reason() == Reason.TARGET_MATCH, "targeted plans");
    Fixtures.check(
        flags.evaluate(TARGETED_PLANS, Fixtures.tenants("v", 1_501)[1_500]).reason()
            == Reason.NO_MATCH,
        "targeted plans");
    Fixtures.check(
        flags.evaluate(WITH_OVERRIDES, overridden[7]).reason() == Reason.OVERRIDE, "override hit");
    Fixtures.check(flags.evaluate(WITH_OVERRIDES, plain[7]).reason() == Reason.ON, "override miss");
    Fixtures.check(flags.evaluate(UNKNOWN, plain[7]).reason() == Reason.FLAG_NOT_FOUND, "unknown");
    int in = 0;
    for (TenantKey t : plain) {
      in += flags.isEnabled(ROLLOUT, t) ? 1 : 0;
    }
    Fixtures.check(
        Math.abs(in - plain.length / 4) <= Math.max(10, plain.length / 25),
        "rollout 25 % let in " + in + " of " + plain.length);
  }

  static void warm(FeatureFlags flags, TenantKey[] overridden, TenantKey[] plain) {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < overridden.length; i++) {
        flags.isEnabled(WITH_OVERRIDES, overridden[i]);
        flags.isEnabled(WITH_OVERRIDES, plain[i]);
      }
    }
  }

  /** Stops the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    flags.close();
    store.close();
  }

  private TenantKey next(TenantKey[] keys) {
    int i = cursor + 1;
    if (i == keys.length) {
      i = 0;
    }
    cursor = i;
    return keys[i];
  }

  /** A flag that is simply ON. */
  @Benchmark
  public boolean on() {
    return flags.isEnabled(ON, next(plain));
  }

  /** TARGETED by a scope of 100 tenant ids; 1 % of the tenants match. */
  @Benchmark
  public boolean targetedTenants100() {
    return flags.isEnabled(TARGETED_TENANTS, next(plain));
  }

  /** TARGETED by a scope of 1,000 plans; half of the tenants' plans match. */
  @Benchmark
  public boolean targetedPlans1000() {
    return flags.isEnabled(TARGETED_PLANS, next(plain));
  }

  /** ROLLOUT to 25 % with an empty scope: SHA-256 bucketing of every tenant. */
  @Benchmark
  public boolean rollout25() {
    return flags.isEnabled(ROLLOUT, next(plain));
  }

  /** A flag with overrides, for a tenant that has one (warm override cache). */
  @Benchmark
  public boolean overrideHit() {
    return flags.isEnabled(WITH_OVERRIDES, next(overridden));
  }

  /**
   * A flag with overrides, for a tenant that has none (warm override cache, falls through to ON).
   */
  @Benchmark
  public boolean overrideMiss() {
    return flags.isEnabled(WITH_OVERRIDES, next(plain));
  }

  /** A flag key the environment does not have. */
  @Benchmark
  public boolean unknownFlag() {
    return flags.isEnabled(UNKNOWN, next(plain));
  }

  /** {@link #on()} through {@code isEnabled(String, String)}, the overload for id-only tenants. */
  @Benchmark
  public boolean onById() {
    return flags.isEnabled(ON, next(plain).id());
  }

  /** {@link #overrideHit()} through {@code isEnabled(String, String)}. */
  @Benchmark
  public boolean overrideHitById() {
    return flags.isEnabled(WITH_OVERRIDES, next(overridden).id());
  }
}
