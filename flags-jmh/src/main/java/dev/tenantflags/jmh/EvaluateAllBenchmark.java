package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * How long does {@link FeatureFlags#evaluateAll(TenantKey)} take for one tenant over 100 and over
 * 1,000 flags, and how much does it allocate?
 *
 * <p>The flags are a mix, repeating every ten flags: four {@code ON}, two {@code OFF}, one {@code
 * TARGETED} by three plans (half of them 1 % of the tenants' plans), one {@code TARGETED} by an
 * allowlist of 100 tenant ids, one {@code ROLLOUT} 25 % with its own salt, and one {@code ON} flag
 * with overrides. The first 1,000 of the 10,000 tenants have an override of every flag with
 * overrides. Tenants are taken round-robin; all of them are warm (overrides loaded in set-up). The
 * result map is consumed by JMH (returned), so its construction is part of the cost.
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar EvaluateAllBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EvaluateAllBenchmark {

  /** How many flags the environment has. */
  @Param({"100", "1000"})
  public int flagCount;

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private TenantKey[] tenants;
  private int cursor;

  /** Builds the store and a warm client. */
  @Setup(Level.Trial)
  public void setUp() {
    store = new InMemoryFlagStore();
    tenants = Fixtures.tenants("t", Fixtures.TENANTS);
    List<String> allowlist = new ArrayList<>();
    for (int t = 0; t < Fixtures.TENANTS; t += Fixtures.TENANTS / 100) {
      allowlist.add(tenants[t].id());
    }
    for (int i = 0; i < flagCount; i++) {
      String key = String.format("flag_%04d", i);
      Flag flag;
      switch (i % 10) {
        case 4, 5 -> flag = Fixtures.flag(key, FlagState.OFF);
        case 6 ->
            flag =
                Fixtures.flag(key, FlagState.TARGETED)
                    .withScope(
                        Fixtures.scope(
                            "plan", List.of(Fixtures.plan(0), Fixtures.plan(1), Fixtures.plan(2))));
        case 7 ->
            flag =
                Fixtures.flag(key, FlagState.TARGETED)
                    .withScope(Fixtures.scope(TenantKey.TENANT_ATTRIBUTE, allowlist));
        case 8 -> flag = Fixtures.flag(key, FlagState.ROLLOUT).withRolloutBasisPoints(2_500);
        default -> flag = Fixtures.flag(key, FlagState.ON);
      }
      Fixtures.create(store, flag);
      if (i % 10 == 9) {
        for (int t = 0; t < 1_000; t++) {
          Fixtures.override(store, key, tenants[t].id(), t % 2 == 0);
        }
      }
    }
    flags = Fixtures.client(store);
    for (TenantKey tenant : tenants) {
      flags.evaluateAll(tenant);
    }
    Map<String, Boolean> first = flags.evaluateAll(tenants[0]);
    Fixtures.check(first.size() == flagCount, "evaluateAll returned " + first.size() + " flags");
    Fixtures.check(
        !flags.evaluateAll(tenants[1]).get("flag_0009"), "tenant 1 overrides flag_0009 to false");
  }

  /** Stops the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    flags.close();
    store.close();
  }

  /** Every flag's value for the next tenant. */
  @Benchmark
  public Map<String, Boolean> evaluateAll() {
    int i = cursor + 1;
    if (i == tenants.length) {
      i = 0;
    }
    cursor = i;
    return flags.evaluateAll(tenants[i]);
  }
}
