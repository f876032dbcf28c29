package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does usage counting scale: what does {@code isEnabled} cost when two threads evaluate the same
 * flags on one client at once, with counting on and off?
 *
 * <p>Both threads share one client and count into the same flags' counters (the worst case for
 * counters that are not striped: {@code on} is one flag that both threads count true on every
 * call). Each thread cycles over the same 10,000 pre-built tenants, starting half-way apart. Runs
 * with two threads by default; {@code -t 1} gives the same code with one thread, so the scaling is
 * the ratio of the two runs. On a 2-core machine shared with other work, the two threads also
 * compete with everything else: quote two-thread numbers only from a quiet machine.
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar UsageContentionBenchmark -prof gc          # 2 threads
 * java -jar flags-jmh/target/benchmarks.jar UsageContentionBenchmark -prof gc -t 1     # 1 thread
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class UsageContentionBenchmark {

  static final String ON = "on_flag";
  static final String ROLLOUT = "rollout_25";
  static final String WITH_OVERRIDES = "with_overrides";

  /** Usage counting (SPEC §8) on, the default, or off. */
  @Param({"true", "false"})
  public boolean usage;

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private TenantKey[] tenants;

  /** One thread's position in the tenant array. */
  @State(Scope.Thread)
  public static class Cursor {
    private static final AtomicInteger THREADS = new AtomicInteger();
    int position;

    /** Starts every other thread half-way through the tenants. */
    @Setup(Level.Trial)
    public void setUp() {
      position = (THREADS.getAndIncrement() % 2) * (Fixtures.TENANTS / 2);
    }

    TenantKey next(TenantKey[] keys) {
      int i = position + 1;
      if (i == keys.length) {
        i = 0;
      }
      position = i;
      return keys[i];
    }
  }

  /** Builds the store and a warm client. */
  @Setup(Level.Trial)
  public void setUp() {
    store = new InMemoryFlagStore();
    tenants = Fixtures.tenants("t", Fixtures.TENANTS);
    Fixtures.create(store, Fixtures.flag(ON, FlagState.ON));
    Fixtures.create(store, Fixtures.flag(ROLLOUT, FlagState.ROLLOUT).withRolloutBasisPoints(2_500));
    Fixtures.create(store, Fixtures.flag(WITH_OVERRIDES, FlagState.ON));
    for (int i = 0; i < tenants.length; i++) {
      Fixtures.override(store, WITH_OVERRIDES, tenants[i].id(), i % 2 == 0);
    }
    flags = Fixtures.client(store, usage);
    for (TenantKey tenant : tenants) {
      flags.isEnabled(WITH_OVERRIDES, tenant);
      flags.isEnabled(ROLLOUT, tenant);
    }
    Fixtures.check(flags.isEnabled(ON, tenants[3]), "on");
    Fixtures.check(!flags.isEnabled(WITH_OVERRIDES, tenants[3]), "override hit");
  }

  /** Stops the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    flags.close();
    store.close();
  }

  /** One ON flag, counted true by both threads. */
  @Benchmark
  public boolean on(Cursor cursor) {
    return flags.isEnabled(ON, cursor.next(tenants));
  }

  /** ROLLOUT 25 %: true and false counts from both threads. */
  @Benchmark
  public boolean rollout25(Cursor cursor) {
    return flags.isEnabled(ROLLOUT, cursor.next(tenants));
  }

  /** An override hit for every tenant, half true and half false. */
  @Benchmark
  public boolean overrideHit(Cursor cursor) {
    return flags.isEnabled(WITH_OVERRIDES, cursor.next(tenants));
  }
}
