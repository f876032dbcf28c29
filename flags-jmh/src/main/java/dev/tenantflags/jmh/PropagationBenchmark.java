package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.TenantKey;
import dev.tenantflags.jdbc.JdbiFlagStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * How long after a change is made through one client does another client, on its own store and
 * connections to the same PostgreSQL, evaluate the new value?
 *
 * <p>Each operation flips a flag between {@code ON} and {@code OFF} through client A's {@code
 * FlagAdmin} and returns when client B's {@code isEnabled} answers the new value (checked every 20
 * µs). So the time includes A's audited write transaction and B receiving the {@code LISTEN/NOTIFY}
 * push and refreshing its snapshot; B's polling (every 1 s) is only the safety net. {@code
 * SampleTime} mode: read p50 and p99 of the distribution. An operation that does not see the change
 * within 5 s fails the benchmark.
 *
 * <p>PostgreSQL is the server named by {@code FLAGS_BENCH_PG_URL}, else an embedded PostgreSQL
 * started for the run; a fresh schema is created and dropped.
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar PropagationBenchmark
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PropagationBenchmark {

  static final String FLAG = "propagated";
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private Databases.Db db;
  private JdbiFlagStore storeA;
  private JdbiFlagStore storeB;
  private FeatureFlags clientA;
  private FeatureFlags clientB;
  private FlagAdmin admin;
  private final TenantKey tenant = TenantKey.of("acme");
  private boolean on = true;

  /** Two stores and two clients on one fresh schema. */
  @Setup(Level.Trial)
  public void setUp() {
    db = Databases.postgres();
    storeA = JdbiFlagStore.create(db.url());
    storeB = JdbiFlagStore.create(db.url());
    Fixtures.create(storeA, Fixtures.flag(FLAG, FlagState.ON));
    clientA = Fixtures.client(storeA);
    clientB = Fixtures.client(storeB);
    admin = clientA.admin("jmh");
    Fixtures.check(clientB.isEnabled(FLAG, tenant), "client B sees the flag on");
  }

  /** Closes clients and stores, drops the schema. */
  @TearDown(Level.Trial)
  public void tearDown() {
    clientA.close();
    clientB.close();
    storeA.close();
    storeB.close();
    db.close();
  }

  /** Flips the flag on A; returns once B evaluates the new value. */
  @Benchmark
  public boolean changeSeenByOtherClient() {
    boolean next = !on;
    admin.update(
        FLAG, FlagAdmin.ANY_VERSION, f -> f.withState(next ? FlagState.ON : FlagState.OFF), null);
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (clientB.isEnabled(FLAG, tenant) != next) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("client B did not see the change within 5 s");
      }
      LockSupport.parkNanos(20_000);
    }
    on = next;
    return next;
  }
}
