package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does evaluation stay fast while another thread changes the flags every millisecond?
 *
 * <p>A JMH group of two threads on one client: the {@code reader} evaluates a {@code TARGETED} flag
 * (scope of 1,000 plans) and an {@code ON} flag for 10,000 tenants round-robin; the {@code writer}
 * changes the {@code ON} flag through {@code FlagAdmin} (alternating its description: a real,
 * audited change after which the client rebuilds and publishes a whole new snapshot, the 1,000-plan
 * scope included) and then parks for the rest of the millisecond. Compare the {@code reader} score
 * with {@code IsEnabledBenchmark.targetedPlans1000} plus {@code IsEnabledBenchmark.on}. The
 * writer's score is its period (about 1 ms). The group's {@code gc.alloc.rate.norm} mixes both
 * threads, so it is not a per-evaluation number; the per-call allocation of these paths is measured
 * by {@code IsEnabledBenchmark}.
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar ConcurrentWriteBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConcurrentWriteBenchmark {

  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;
  private TenantKey[] tenants;
  private long writes;

  /** The reader's position in the tenant list. */
  @State(Scope.Thread)
  public static class Cursor {
    int index;
  }

  /** Builds the store and a warm client. */
  @Setup(Level.Trial)
  public void setUp() {
    store = new InMemoryFlagStore();
    tenants = Fixtures.tenants("t", Fixtures.TENANTS);
    Fixtures.create(store, Fixtures.flag(IsEnabledBenchmark.ON, FlagState.ON));
    Fixtures.create(
        store,
        Fixtures.flag(IsEnabledBenchmark.TARGETED_PLANS, FlagState.TARGETED)
            .withScope(Fixtures.scope("plan", Fixtures.plans(1_000))));
    flags = Fixtures.client(store);
    admin = flags.admin("jmh-writer");
    for (TenantKey tenant : tenants) {
      flags.isEnabled(IsEnabledBenchmark.TARGETED_PLANS, tenant);
    }
  }

  /** Stops the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    flags.close();
    store.close();
  }

  /** Evaluates two flags for the next tenant. */
  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public boolean reader(Cursor cursor) {
    int i = cursor.index + 1;
    if (i == tenants.length) {
      i = 0;
    }
    cursor.index = i;
    TenantKey tenant = tenants[i];
    return flags.isEnabled(IsEnabledBenchmark.TARGETED_PLANS, tenant)
        & flags.isEnabled(IsEnabledBenchmark.ON, tenant);
  }

  /** Changes the ON flag, then waits out the rest of the millisecond. */
  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public void writer() {
    long start = System.nanoTime();
    String description = (writes++ & 1) == 0 ? "even" : "odd";
    admin.update(
        IsEnabledBenchmark.ON, FlagAdmin.ANY_VERSION, f -> f.withDescription(description), null);
    long left = PERIOD_NANOS - (System.nanoTime() - start);
    if (left > 0) {
      LockSupport.parkNanos(left);
    }
  }
}
