package dev.tenantflags.jmh;

import dev.tenantflags.FlagState;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.JdbiFlagStore;
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
 * How long does it take to load one tenant's overrides from the database, which is what the client
 * does the first time it sees a tenant (a cold tenant), when the environment holds 100,000
 * overrides?
 *
 * <p>The environment has 100 flags and 100,000 overrides: 10,000 tenants with 10 each. Each call is
 * {@code JdbiFlagStore.loadTenantOverrides} for the next tenant round-robin; the store caches
 * nothing, so every call is a real indexed query over a pooled connection (the database's own
 * buffer cache is warm, as it is in production). The client adds to this only building a small
 * lookup table. {@code SampleTime} mode, so the output has p50, p99 and p99.9.
 *
 * <p>PostgreSQL is the server named by {@code FLAGS_BENCH_PG_URL}, else an embedded PostgreSQL
 * started for the run; a fresh schema is created and dropped. SQLite is a fresh file in a temporary
 * directory.
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar ColdLoadBenchmark
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ColdLoadBenchmark {

  static final int FLAGS = 100;
  static final int PER_TENANT = 10;

  /** The database. */
  @Param({"sqlite", "postgresql"})
  public String database;

  private Databases.Db db;
  private JdbiFlagStore store;
  private String[] tenantIds;
  private int cursor;

  /** Creates the schema and 100,000 overrides. */
  @Setup(Level.Trial)
  public void setUp() {
    db = Databases.open(database);
    store = JdbiFlagStore.create(db.url());
    String[] keys = new String[FLAGS];
    for (int i = 0; i < FLAGS; i++) {
      keys[i] = String.format("flag_%03d", i);
      Fixtures.create(store, Fixtures.flag(keys[i], FlagState.ON));
    }
    tenantIds = new String[Fixtures.TENANTS];
    for (int t = 0; t < tenantIds.length; t++) {
      tenantIds[t] = Fixtures.tenantId("t", t);
    }
    Databases.insertOverrides(db.url(), Fixtures.ENV, tenantIds, keys, PER_TENANT);
    List<TenantOverride> first = store.loadTenantOverrides(Fixtures.ENV, tenantIds[1]);
    Fixtures.check(
        first.size() == PER_TENANT, "tenant has " + first.size() + " overrides, not " + PER_TENANT);
  }

  /** Drops the database. */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    db.close();
  }

  /** One tenant's overrides, as loaded on first sight of the tenant. */
  @Benchmark
  public List<TenantOverride> loadTenantOverrides() {
    int i = cursor + 1;
    if (i == tenantIds.length) {
      i = 0;
    }
    cursor = i;
    return store.loadTenantOverrides(Fixtures.ENV, tenantIds[i]);
  }
}
