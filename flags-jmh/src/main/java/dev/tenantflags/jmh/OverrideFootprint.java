package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Reason;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import dev.tenantflags.jdbc.JdbiFlagStore;
import dev.tenantflags.spi.FlagStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How much heap does a client hold per override, and how long does a client whose environment has N
 * overrides take to start (issue 10: at most 120 bytes per override, 1,000,000 overrides in at most
 * 150 MB)?
 *
 * <p>Not a JMH benchmark: one start-up is one measurement, and retained heap is a property of the
 * client, not of a loop. The harness creates 100 {@code ON} flags and N overrides ({@code
 * --per-tenant} per tenant, tenant ids {@code t-0}, {@code t-1}, ...), measures the used heap after
 * full collections, builds a client and waits until it is ready (the start-up time), checks that an
 * override is answered from memory (the client must hold every override: mode {@code
 * ALL_IN_MEMORY}), and measures the used heap again. The difference is what the client retains;
 * divided by N, the bytes per override.
 *
 * <p>Stores: {@code postgresql} (default; the server of {@code FLAGS_BENCH_PG_URL}, else an
 * embedded PostgreSQL; rows written with {@code COPY}), {@code sqlite} (a temporary file, batched
 * inserts), {@code memory} ({@link InMemoryFlagStore}). The JDBC stores hold no rows in the heap,
 * so their difference is the client alone. {@code InMemoryFlagStore} already holds every override,
 * and what the client shares with it (the same record or string instances) counts on the store's
 * side: its figure is a lower bound.
 *
 * <p>Run in a JVM of its own, from the repository root:
 *
 * <pre>{@code
 * java -Xmx1g -cp flags-jmh/target/benchmarks.jar dev.tenantflags.jmh.OverrideFootprint \
 *     --store postgresql --overrides 1000000 --per-tenant 10
 * }</pre>
 */
public final class OverrideFootprint {

  static final int FLAGS = 100;

  private OverrideFootprint() {}

  /**
   * Runs the measurement and prints one line of results.
   *
   * @param args {@code [--store postgresql|sqlite|memory] [--overrides N] [--per-tenant K]
   *     [--store-timeout ISO-8601 duration, default the client's]}
   * @throws Exception if set-up or the client fails
   */
  public static void main(String[] args) throws Exception {
    String kind = "postgresql";
    int overrides = 1_000_000;
    int perTenant = 10;
    Duration storeTimeout = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--store" -> kind = args[++i];
        case "--overrides" -> overrides = Integer.parseInt(args[++i]);
        case "--per-tenant" -> perTenant = Integer.parseInt(args[++i]);
        case "--store-timeout" -> storeTimeout = Duration.parse(args[++i]);
        default -> throw new IllegalArgumentException("unknown option: '" + args[i] + "'");
      }
    }
    if (perTenant < 1 || perTenant > FLAGS || overrides < perTenant) {
      throw new IllegalArgumentException("need 1 <= per-tenant <= 100 and overrides >= per-tenant");
    }
    run(kind, overrides, perTenant, storeTimeout, System.out);
    // The embedded database and the client's threads stop with the JVM.
    System.exit(0);
  }

  static void run(String kind, int overrides, int perTenant, Duration storeTimeout, PrintStream out)
      throws Exception {
    String[] keys = new String[FLAGS];
    for (int i = 0; i < FLAGS; i++) {
      keys[i] = String.format("flag_%03d", i);
    }
    int tenants = overrides / perTenant;
    int count = tenants * perTenant;
    FlagStore store;
    long fillStart;
    Databases.Db db = null;
    switch (kind) {
      case "memory" -> {
        store = new InMemoryFlagStore();
        fillStart = System.nanoTime();
        createFlags(store, keys);
        for (int t = 0; t < tenants; t++) {
          for (int k = 0; k < perTenant; k++) {
            Fixtures.override(store, keys[(t + k) % FLAGS], "t-" + t, (t * perTenant + k) % 2 == 0);
          }
        }
      }
      case "sqlite", "postgresql" -> {
        db = Databases.open(kind);
        store = JdbiFlagStore.create(db.url());
        createFlags(store, keys);
        fillStart = System.nanoTime();
        if (kind.equals("postgresql")) {
          Databases.copyOverrides(db.url(), Fixtures.ENV, keys, count, perTenant);
        } else {
          String[] ids = new String[tenants];
          for (int t = 0; t < tenants; t++) {
            ids[t] = "t-" + t;
          }
          Databases.insertOverrides(db.url(), Fixtures.ENV, ids, keys, perTenant);
        }
      }
      default ->
          throw new IllegalArgumentException("store must be postgresql, sqlite or memory: " + kind);
    }
    long fillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStart);
    long stored = store.overrideCount(Fixtures.ENV);
    Fixtures.check(stored == count, "store holds " + stored + " overrides, not " + count);

    long before = usedHeapAfterGc();
    long start = System.nanoTime();
    FeatureFlags.Builder builder =
        FeatureFlags.builder()
            .store(store)
            .environment(Fixtures.ENV)
            .strictStartup(true)
            .startupTimeout(Duration.ofMinutes(5));
    if (storeTimeout != null) {
      builder.storeTimeout(storeTimeout);
    }
    FeatureFlags flags = builder.build();
    boolean ready = flags.awaitReady(Duration.ofMinutes(5));
    long startupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Fixtures.check(ready, "client not ready after 5 minutes: " + flags.status());
    // Whatever the store's layout, the first and last tenants' overrides must be answered.
    for (String tenant : new String[] {"t-0", "t-" + (tenants - 1)}) {
      String key = store.loadTenantOverrides(Fixtures.ENV, tenant).get(0).flagKey();
      Fixtures.check(
          flags.evaluate(key, TenantKey.of(tenant)).reason() == Reason.OVERRIDE,
          "override of " + key + " for " + tenant + " not answered");
    }
    Status status = flags.status();
    Fixtures.check(
        status.overrideMode() == Status.OverrideMode.ALL_IN_MEMORY
            && status.overrideCount() == count,
        "client holds " + status.overrideCount() + " overrides in mode " + status.overrideMode());
    long after = usedHeapAfterGc();
    Reference.reachabilityFence(flags);
    Reference.reachabilityFence(store);

    long retained = after - before;
    out.printf(
        Locale.ROOT,
        "store=%s overrides=%d tenants=%d perTenant=%d fill=%d ms startup=%d ms"
            + " heapBefore=%.1f MB heapAfter=%.1f MB retained=%.1f MB bytesPerOverride=%.1f"
            + " status=%s mode=%s storeTimeout=%s jdk=%s maxHeap=%d MB%n",
        kind,
        count,
        tenants,
        perTenant,
        fillMs,
        startupMs,
        before / 1e6,
        after / 1e6,
        retained / 1e6,
        (double) retained / count,
        status.state(),
        status.overrideMode(),
        storeTimeout == null ? "default" : storeTimeout,
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    flags.close();
    store.close();
    if (db != null) {
      db.close();
    }
  }

  private static void createFlags(FlagStore store, String[] keys) {
    for (String key : keys) {
      Fixtures.create(store, Fixtures.flag(key, FlagState.ON));
    }
  }

  /** Used heap after full collections, once it no longer shrinks. */
  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(100);
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used - 64 * 1024) {
        return Math.min(now, used);
      }
      used = now;
    }
    return used;
  }
}
