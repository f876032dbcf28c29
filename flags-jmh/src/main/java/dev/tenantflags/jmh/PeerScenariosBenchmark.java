package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
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
 * Our side of the side-by-side comparison with other Java flag libraries (issue 12): the five
 * scenarios every library was measured on, done the way an application does them.
 *
 * <p>Each request takes the next of 10,000 tenant ids round-robin and builds its key with {@link
 * TenantKey#of(String)} (24 bytes, the one allocation the peers' figures include); the scenarios
 * are a plain {@code ON} flag, a sticky {@code ROLLOUT} to 25 %, an allowlist of 100 tenant ids
 * ({@code TARGETED} by tenant; 1 % of the tenants match), a flag key the environment does not have,
 * and one {@code TenantKey} checked against 100 flags with 100 {@code isEnabled} calls (one
 * operation is all 100). The 100 flags repeat the mix of {@link EvaluateAllBenchmark} every ten
 * flags: four {@code ON}, two {@code OFF}, one {@code TARGETED} by two plans (never matches: these
 * keys carry no attributes), one allowlist of 100 tenants, one {@code ROLLOUT} 25 % and one {@code
 * ON} flag with overrides for the first 1,000 tenants. {@code hundredOnFlags} is the same loop over
 * 100 plain {@code ON} flags, the simplest reading of the scenario and the floor of the mixed one.
 *
 * <p>The {@code *ById} methods do the same through {@code isEnabled(String flagKey, String
 * tenantId)}, the overload for tenants known by id alone, which needs no key and allocates nothing.
 * Every scenario runs with usage counting on and off ({@code usage}).
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar PeerScenariosBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeerScenariosBenchmark {

  static final String ON = "plain_on";
  static final String ROLLOUT = "sticky_rollout_25";
  static final String ALLOWLIST = "allowlist_100";
  static final String UNKNOWN = "no_such_flag";
  static final int LOOP_FLAGS = 100;

  /** Usage counting (SPEC §8) on, the default, or off. */
  @Param({"true", "false"})
  public boolean usage;

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private String[] ids;
  private String[] loopKeys;
  private String[] onKeys;
  private int cursor;

  /** Builds the store and a warm client. */
  @Setup(Level.Trial)
  public void setUp() {
    store = new InMemoryFlagStore();
    ids = Fixtures.tenantIds("t", Fixtures.TENANTS);
    List<String> allowlist = new ArrayList<>();
    for (int t = 0; t < ids.length; t += ids.length / 100) {
      allowlist.add(ids[t]);
    }
    Fixtures.create(store, Fixtures.flag(ON, FlagState.ON));
    Fixtures.create(store, Fixtures.flag(ROLLOUT, FlagState.ROLLOUT).withRolloutBasisPoints(2_500));
    Fixtures.create(
        store,
        Fixtures.flag(ALLOWLIST, FlagState.TARGETED)
            .withScope(Fixtures.scope(TenantKey.TENANT_ATTRIBUTE, allowlist)));
    loopKeys = new String[LOOP_FLAGS];
    onKeys = new String[LOOP_FLAGS];
    for (int i = 0; i < LOOP_FLAGS; i++) {
      onKeys[i] = String.format("on_%03d", i);
      Fixtures.create(store, Fixtures.flag(onKeys[i], FlagState.ON));
      loopKeys[i] = String.format("loop_%03d", i);
      Fixtures.create(store, loopFlag(loopKeys[i], i, allowlist));
      if (i % 10 == 9) {
        for (int t = 0; t < 1_000; t++) {
          Fixtures.override(store, loopKeys[i], ids[t], t % 2 == 0);
        }
      }
    }
    flags = Fixtures.client(store, usage);
    // No warming loop: every override is in memory, and JMH's warm-up fills the bucket cache.
    check();
  }

  private static Flag loopFlag(String key, int i, List<String> allowlist) {
    return switch (i % 10) {
      case 4, 5 -> Fixtures.flag(key, FlagState.OFF);
      case 6 ->
          Fixtures.flag(key, FlagState.TARGETED)
              .withScope(Fixtures.scope("plan", List.of(Fixtures.plan(0), Fixtures.plan(1))));
      case 7 ->
          Fixtures.flag(key, FlagState.TARGETED)
              .withScope(Fixtures.scope(TenantKey.TENANT_ATTRIBUTE, allowlist));
      case 8 -> Fixtures.flag(key, FlagState.ROLLOUT).withRolloutBasisPoints(2_500);
      default -> Fixtures.flag(key, FlagState.ON);
    };
  }

  private void check() {
    TenantKey first = TenantKey.of(ids[0]);
    TenantKey second = TenantKey.of(ids[1]);
    Fixtures.check(flags.evaluate(ON, second).reason() == Reason.ON, "plain on");
    Fixtures.check(
        flags.evaluate(ALLOWLIST, first).reason() == Reason.TARGET_MATCH, "allowlist match");
    Fixtures.check(
        flags.evaluate(ALLOWLIST, second).reason() == Reason.NO_MATCH, "allowlist no match");
    Fixtures.check(
        flags.evaluate(UNKNOWN, second).reason() == Reason.FLAG_NOT_FOUND, "unknown flag");
    Fixtures.check(
        flags.evaluate(loopKeys[9], second).reason() == Reason.OVERRIDE, "loop override");
    int in = 0;
    for (String id : ids) {
      in += flags.isEnabled(ROLLOUT, TenantKey.of(id)) ? 1 : 0;
    }
    Fixtures.check(
        Math.abs(in - ids.length / 4) <= ids.length / 25,
        "rollout 25 % let in " + in + " of " + ids.length);
    int on = loop(loopKeys, TenantKey.of(ids[5_001]));
    // 40 ON + 10 with overrides (none for this tenant) + about a quarter of 10 rollouts.
    Fixtures.check(on >= 50 && on <= 60, "100-flag loop answered true " + on + " times");
    Fixtures.check(loop(onKeys, second) == LOOP_FLAGS, "100 ON flags");
  }

  /** Stops the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    flags.close();
    store.close();
  }

  private String nextId() {
    int i = cursor + 1;
    if (i == ids.length) {
      i = 0;
    }
    cursor = i;
    return ids[i];
  }

  private int loop(String[] keys, TenantKey tenant) {
    int on = 0;
    for (String key : keys) {
      if (flags.isEnabled(key, tenant)) {
        on++;
      }
    }
    return on;
  }

  /** A plain {@code ON} flag. */
  @Benchmark
  public boolean plainOn() {
    return flags.isEnabled(ON, TenantKey.of(nextId()));
  }

  /** A sticky 25 % rollout: the same tenant always gets the same answer. */
  @Benchmark
  public boolean rollout25() {
    return flags.isEnabled(ROLLOUT, TenantKey.of(nextId()));
  }

  /** {@code TARGETED} by an allowlist of 100 tenant ids. */
  @Benchmark
  public boolean allowlist100() {
    return flags.isEnabled(ALLOWLIST, TenantKey.of(nextId()));
  }

  /** A flag key the environment does not have. */
  @Benchmark
  public boolean unknownFlag() {
    return flags.isEnabled(UNKNOWN, TenantKey.of(nextId()));
  }

  /** One tenant key, 100 flags, 100 {@code isEnabled} calls; returns how many were true. */
  @Benchmark
  public int hundredFlags() {
    return loop(loopKeys, TenantKey.of(nextId()));
  }

  /** {@link #plainOn()} through {@code isEnabled(String, String)}: no key, nothing allocated. */
  @Benchmark
  public boolean plainOnById() {
    return flags.isEnabled(ON, nextId());
  }

  /** {@link #rollout25()} through {@code isEnabled(String, String)}. */
  @Benchmark
  public boolean rollout25ById() {
    return flags.isEnabled(ROLLOUT, nextId());
  }

  /** {@link #allowlist100()} through {@code isEnabled(String, String)}. */
  @Benchmark
  public boolean allowlist100ById() {
    return flags.isEnabled(ALLOWLIST, nextId());
  }

  /** {@link #unknownFlag()} through {@code isEnabled(String, String)}. */
  @Benchmark
  public boolean unknownFlagById() {
    return flags.isEnabled(UNKNOWN, nextId());
  }

  /** {@link #hundredFlags()} through {@code isEnabled(String, String)}: 100 calls with one id. */
  @Benchmark
  public int hundredFlagsById() {
    String id = nextId();
    int on = 0;
    for (String key : loopKeys) {
      if (flags.isEnabled(key, id)) {
        on++;
      }
    }
    return on;
  }

  /** One tenant key, 100 plain {@code ON} flags, 100 {@code isEnabled} calls. */
  @Benchmark
  public int hundredOnFlags() {
    return loop(onKeys, TenantKey.of(nextId()));
  }
}
