package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 "never waits on the store": stores that hang (calls blocked on a latch) or throw Errors
 * under a running client. Time bounds here are liveness bounds: generous, and only a wait on the
 * hung store could break them.
 */
final class NeverBlockTest {
  private static final TenantKey ACME = TenantKey.of("acme");

  /** Far below the PATIENCE a hung call would cost, far above a loaded machine's jitter. */
  private static final long LIVENESS_MS = 2_000;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<CountDownLatch> hung = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    hung.forEach(CountDownLatch::countDown);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private FeatureFlags.Builder builder(ScriptedStore store) {
    return FeatureFlags.builder()
        .store(store)
        .environment(ENV)
        .pollInterval(TestFlags.POLL)
        .startupTimeout(TestFlags.PATIENCE);
  }

  private FeatureFlags client(FeatureFlags.Builder builder) {
    FeatureFlags flags = builder.build();
    toClose.add(flags);
    return flags;
  }

  private InMemoryFlagStore inner;

  /** Writes as another process would: straight to the store under the client. */
  private FlagAdmin otherProcess() {
    FeatureFlags other = TestFlags.client(inner);
    toClose.add(0, other);
    return other.admin("other");
  }

  private ScriptedStore storeWithOverride() {
    inner = new InMemoryFlagStore();
    ScriptedStore store = new ScriptedStore(inner);
    try (FeatureFlags seed = TestFlags.client(store)) {
      seed.admin("ops").create(Flag.of("billing").withState(FlagState.ON), null);
      seed.admin("ops").setOverride("billing", "acme", false, false, null, null);
      seed.admin("ops").setOverride("billing", "globex", true, false, null, null);
    }
    return store;
  }

  @Test
  void refresh_storeHangsLongerThanStoreTimeout_turnsStaleWhileEvaluationAndCloseDoNotWait()
      throws Exception {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags = client(builder(store).storeTimeout(Duration.ofMillis(100)));
    assertThat(flags.status().state()).isEqualTo(Status.State.READY);

    hung.add(store.hang("changeVersion"));
    TestFlags.await("STALE", () -> flags.status().state() == Status.State.STALE);
    assertThat(flags.status().detail()).contains("storeTimeout");

    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      assertThat(flags.evaluate("billing", TenantKey.of("t" + i)).enabled()).isTrue();
    }
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    flags.close();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIVENESS_MS);
  }

  @Test
  void refresh_storeComesBackAfterHanging_isReadyAgainAndSeesChanges() {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags = client(builder(store).storeTimeout(Duration.ofMillis(100)));
    CountDownLatch gate = store.hang("loadFlags");
    hung.add(gate);
    otherProcess().create(Flag.of("later").withState(FlagState.ON), null);
    TestFlags.await("STALE", () -> flags.status().state() == Status.State.STALE);
    store.release("loadFlags");
    TestFlags.await("READY", () -> flags.status().state() == Status.State.READY);
    TestFlags.await("later visible", () -> flags.isEnabled("later", ACME));
  }

  @Test
  void refresh_storeThrowsAnError_statusErrorThenTheLoopKeepsRunning() {
    ScriptedStore store = storeWithOverride();
    List<Status.State> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    FeatureFlags flags =
        client(
            builder(store)
                .listener(
                    new FeatureFlagsListener() {
                      @Override
                      public void onStatusChanged(Status previous, Status current) {
                        seen.add(current.state());
                      }
                    }));
    store.fail("changeVersion", () -> new AssertionError("bug in a store"));
    TestFlags.await("ERROR", () -> flags.status().state() == Status.State.ERROR);
    assertThat(flags.status().detail()).contains("AssertionError").contains("bug in a store");
    // The last good flags are still served.
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    long before = store.calls("changeVersion");
    TestFlags.await("polled again", () -> store.calls("changeVersion") > before + 2);
    store.fail("changeVersion", null);
    TestFlags.await("READY", () -> flags.status().state() == Status.State.READY);
    assertThat(seen)
        .containsSubsequence(Status.State.READY, Status.State.ERROR, Status.State.READY);
  }

  @Test
  void refresh_listenerThrowsAnError_loopSurvives() {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags = client(builder(store));
    flags.addListener(
        new FeatureFlagsListener() {
          @Override
          public void onFlagsChanged(java.util.Set<String> changedKeys) {
            throw new StackOverflowError("listener bug");
          }
        });
    flags.admin("ops").create(Flag.of("first").withState(FlagState.ON), null);
    TestFlags.await("ERROR", () -> flags.status().state() == Status.State.ERROR);
    otherProcess().create(Flag.of("second").withState(FlagState.ON), null);
    // The loop is still scheduled: it keeps polling the store.
    long before = store.calls("changeVersion");
    TestFlags.await("polled again", () -> store.calls("changeVersion") > before + 2);
  }

  @Test
  void startup_storeHangs_buildReturnsWithinTheStartupTimeout() {
    ScriptedStore store = storeWithOverride();
    hung.add(store.hang("changeVersion"));
    long start = System.nanoTime();
    FeatureFlags flags =
        client(
            FeatureFlags.builder()
                .store(store)
                .environment(ENV)
                .pollInterval(TestFlags.POLL)
                .startupTimeout(Duration.ofMillis(200))
                .storeTimeout(Duration.ofMillis(100)));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIVENESS_MS);
    assertThat(flags.status().state()).isEqualTo(Status.State.ERROR);
    assertThat(flags.isEnabled("billing", ACME, true)).isTrue();
    store.release("changeVersion");
    TestFlags.await("READY", () -> flags.status().state() == Status.State.READY);
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
  }

  @Test
  void refresh_loadSlowerThanStoreTimeout_isStaleThenPublishedWhenItFinishes() {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags = client(builder(store).storeTimeout(Duration.ofMillis(50)));
    // Every full load of the overrides takes longer than storeTimeout, every time.
    store.slow("loadOverrides", 300);
    store.changeSets = c -> dev.tenantflags.spi.ChangeSet.unknown(c.version());
    List<Status.State> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    flags.addListener(
        new FeatureFlagsListener() {
          @Override
          public void onStatusChanged(Status previous, Status current) {
            seen.add(current.state());
          }
        });
    otherProcess().setOverride("billing", "acme", true, false, null, null);
    // Each such refresh times out (STALE), and its result is still served once it arrives.
    TestFlags.await(
        "the slow load's result served",
        () -> flags.evaluate("billing", ACME).equals(Evaluation.of(true, Reason.OVERRIDE)));
    assertThat(seen).contains(Status.State.STALE);
    TestFlags.await("READY", () -> flags.status().state() == Status.State.READY);
  }

  // ---- lazy mode --------------------------------------------------------------------------------

  @Test
  void lazy_coldTenantWhileTheStoreHangs_waitsAtMostColdLoadTimeoutThenLoadsInTheBackground()
      throws Exception {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags =
        client(builder(store).overrideMemoryLimit(0).coldLoadTimeout(Duration.ofMillis(20)));
    assertThat(flags.status().overrideMode()).isEqualTo(Status.OverrideMode.LAZY);
    CountDownLatch gate = store.hang("loadTenantOverrides");
    hung.add(gate);
    long loadsBefore = store.calls("loadTenantOverrides");
    long start = System.nanoTime();
    Evaluation first = flags.evaluate("billing", ACME);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIVENESS_MS);
    assertThat(first).isEqualTo(Evaluation.of(true, Reason.ON, true));

    // Many concurrent evaluations of the same cold tenant share one load.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Evaluation>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(pool.submit(() -> flags.evaluate("billing", ACME)));
      }
      for (Future<Evaluation> r : results) {
        assertThat(r.get(LIVENESS_MS, TimeUnit.MILLISECONDS).overridesUnavailable()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.calls("loadTenantOverrides") - loadsBefore).isEqualTo(1);

    store.release("loadTenantOverrides");
    TestFlags.await(
        "loaded in the background",
        () -> flags.evaluate("billing", ACME).equals(Evaluation.of(false, Reason.OVERRIDE)));
    assertThat(store.calls("loadTenantOverrides") - loadsBefore).isEqualTo(1);
  }

  @Test
  void lazy_coldLoadTimeoutZero_neverWaitsAndTheLoadStillCompletes() {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags =
        client(builder(store).overrideMemoryLimit(0).coldLoadTimeout(Duration.ZERO));
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(true, Reason.ON, true));
    TestFlags.await("loaded", () -> flags.evaluate("billing", ACME).reason() == Reason.OVERRIDE);
  }

  @Test
  void lazy_floodOfColdTenantsWhileTheStoreHangs_isBoundedAndNeverWaits() {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags =
        client(builder(store).overrideMemoryLimit(0).coldLoadTimeout(Duration.ZERO));
    hung.add(store.hang("loadTenantOverrides"));
    long loadsBefore = store.calls("loadTenantOverrides");
    long start = System.nanoTime();
    for (int i = 0; i < 5_000; i++) {
      assertThat(flags.evaluate("billing", TenantKey.of("new-" + i)).overridesUnavailable())
          .isTrue();
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIVENESS_MS);
    // Two loader threads hang; at most the bounded queue's worth were ever handed to the store.
    assertThat(store.calls("loadTenantOverrides") - loadsBefore).isLessThanOrEqualTo(2);
  }

  @Test
  void lazy_changeToALoadedTenant_isSeenAfterTheRefresh() {
    ScriptedStore store = storeWithOverride();
    FeatureFlags flags =
        client(builder(store).overrideMemoryLimit(1).coldLoadTimeout(TestFlags.PATIENCE));
    assertThat(flags.status().overrideMode()).isEqualTo(Status.OverrideMode.LAZY);
    assertThat(flags.status().overrideCount()).isEqualTo(2);
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    otherProcess().setOverride("billing", "acme", true, false, null, null);
    TestFlags.await(
        "override change visible",
        () -> flags.evaluate("billing", ACME).equals(Evaluation.of(true, Reason.OVERRIDE)));
  }
}
