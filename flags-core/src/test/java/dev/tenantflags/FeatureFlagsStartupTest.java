package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.spi.FailingFlagStore;
import dev.tenantflags.spi.FlagStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §4 bounded start-up: soft mode (defaults or bootstrap) and strict mode. */
final class FeatureFlagsStartupTest {
  private static final TenantKey ACME = TenantKey.of("acme");
  private static final Duration SHORT = Duration.ofMillis(100);

  /** A store holding billing=ON with an override acme=false, and a down store wrapping it. */
  private static FailingFlagStore downStoreWithFlags() {
    InMemoryFlagStore inner = new InMemoryFlagStore();
    try (FeatureFlags seed = TestFlags.client(inner)) {
      FlagAdmin admin = seed.admin("seed");
      admin.create(Flag.of("billing").withState(FlagState.ON), null);
      admin.setOverride("billing", "acme", false, false, null, null);
    }
    FailingFlagStore store = new FailingFlagStore(inner);
    store.failing(true);
    return store;
  }

  private static FeatureFlags.Builder soft(FailingFlagStore store) {
    return FeatureFlags.builder()
        .store(store)
        .environment(ENV)
        .pollInterval(TestFlags.POLL)
        .startupTimeout(SHORT);
  }

  @Test
  void build_softModeStoreDownNoBootstrap_isErrorAndServesDefaults() throws Exception {
    FailingFlagStore store = downStoreWithFlags();
    List<Status> seen = new CopyOnWriteArrayList<>();
    try (FeatureFlags flags =
        soft(store)
            .listener(
                new FeatureFlagsListener() {
                  @Override
                  public void onStatusChanged(Status previous, Status current) {
                    seen.add(current);
                  }
                })
            .build()) {
      assertThat(flags.status().state()).isEqualTo(Status.State.ERROR);
      assertThat(flags.status().lastRefresh()).isNull();
      assertThat(flags.status().version()).isEqualTo(-1);
      assertThat(flags.status().detail()).contains("store unreachable");
      assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.ERROR));
      assertThat(flags.isEnabled("billing", ACME, true)).isTrue();
      assertThat(flags.flags()).isEmpty();
      assertThat(flags.awaitReady(Duration.ofMillis(50))).isFalse();

      store.failing(false);
      assertThat(flags.awaitReady(TestFlags.PATIENCE)).isTrue();
      assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
      assertThat(flags.isEnabled("billing", TenantKey.of("globex"), false)).isTrue();
      assertThat(seen)
          .extracting(Status::state)
          .containsExactly(Status.State.ERROR, Status.State.READY);
    }
  }

  @Test
  void build_softModeStoreDownWithBootstrap_servesItStaleThenReplacesIt() throws Exception {
    FailingFlagStore store = downStoreWithFlags();
    // The bootstrap is an older export: billing OFF, reports ON, and an override for globex.
    FlagExport bootstrap =
        new FlagExport(
            ENV,
            1,
            List.of(Flag.of("billing"), Flag.of("reports").withState(FlagState.ON)),
            List.of(new TenantOverride("reports", "globex", false, false, null, null, null)));
    try (FeatureFlags flags = soft(store).bootstrap(bootstrap).build()) {
      assertThat(flags.status().state()).isEqualTo(Status.State.STALE);
      assertThat(flags.status().lastRefresh()).isNull();
      assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OFF));
      // The export holds every override of its time, so acme's answer is complete.
      assertThat(flags.evaluate("reports", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
      assertThat(flags.evaluate("reports", TenantKey.of("globex")))
          .isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
      assertThat(flags.flag("reports")).isPresent();

      store.failing(false);
      assertThat(flags.awaitReady(TestFlags.PATIENCE)).isTrue();
      TestFlags.await("status READY", () -> flags.status().state() == Status.State.READY);
      assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
      assertThat(flags.evaluate("reports", ACME))
          .isEqualTo(Evaluation.of(false, Reason.FLAG_NOT_FOUND));
      assertThat(flags.flag("reports")).isEmpty();
    }
  }

  @Test
  void build_bootstrapFile_isReadAndServed(@TempDir Path dir) throws Exception {
    InMemoryFlagStore source = new InMemoryFlagStore();
    FlagExport export;
    try (FeatureFlags seed = TestFlags.client(source)) {
      seed.admin("seed")
          .create(
              Flag.of("billing").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")),
              null);
      export = seed.admin("seed").export();
    }
    Path file = dir.resolve("bootstrap.json");
    Files.writeString(file, export.toJson(), StandardCharsets.UTF_8);
    FailingFlagStore store = new FailingFlagStore(new InMemoryFlagStore());
    store.failing(true);
    try (FeatureFlags flags = soft(store).bootstrap(file).build()) {
      assertThat(flags.status().state()).isEqualTo(Status.State.STALE);
      assertThat(flags.isEnabled("billing", ACME.with("plan", "pro"))).isTrue();
      assertThat(flags.isEnabled("billing", ACME)).isFalse();
    }
  }

  @Test
  void bootstrap_missingFile_throwsUncheckedIoNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> FeatureFlags.builder().bootstrap(missing))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("missing.json");
  }

  @Test
  void bootstrap_malformedFile_throwsValidationNamingJson(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"flags\": [", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> FeatureFlags.builder().bootstrap(bad))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageContaining("json");
  }

  @Test
  void build_strictModeStoreDown_throwsFlagStoreException() {
    FailingFlagStore store = downStoreWithFlags();
    long before = store.calls();
    assertThatThrownBy(() -> soft(store).strictStartup(true).build())
        .isInstanceOf(FlagStoreException.class)
        .hasMessageContaining("environment 'test'")
        .hasMessageContaining("store unreachable");
    // The failed client stopped polling.
    TestFlags.sleep(Duration.ofMillis(100));
    long after = store.calls();
    TestFlags.sleep(Duration.ofMillis(100));
    assertThat(store.calls()).isEqualTo(after).isGreaterThan(before);
  }

  @Test
  void build_strictModeStoreUp_isReady() throws Exception {
    FailingFlagStore store = downStoreWithFlags();
    store.failing(false);
    try (FeatureFlags flags = soft(store).strictStartup(true).build()) {
      assertThat(flags.status().state()).isEqualTo(Status.State.READY);
      assertThat(flags.awaitReady(Duration.ZERO)).isTrue();
      assertThat(flags.flags()).extracting(Flag::key).containsExactly("billing");
    }
  }

  @Test
  void build_storeUp_waitsForTheFirstLoad() {
    FailingFlagStore store = downStoreWithFlags();
    store.failing(false);
    try (FeatureFlags flags = FeatureFlags.builder().store(store).environment(ENV).build()) {
      // No awaitReady needed: build() returned after the first load.
      assertThat(flags.status().state()).isEqualTo(Status.State.READY);
      assertThat(flags.status().lastRefresh()).isNotNull();
      assertThat(flags.isEnabled("billing", TenantKey.of("globex"))).isTrue();
    }
  }

  /**
   * A store whose reads block until released: a database that accepts connections but never
   * answers.
   */
  private static final class HangingStore extends ForwardingStore {
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    HangingStore(dev.tenantflags.spi.FlagStore delegate) {
      super(delegate);
    }

    @Override
    public long changeVersion(String environment) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlagStoreException("interrupted");
      }
      return super.changeVersion(environment);
    }
  }

  @Test
  void build_firstLoadHangs_returnsAfterTheStartupTimeoutWithTheBootstrap() throws Exception {
    FailingFlagStore seeded = downStoreWithFlags();
    HangingStore store = new HangingStore(seeded.delegate());
    FlagExport bootstrap =
        new FlagExport(ENV, 1, List.of(Flag.of("reports").withState(FlagState.ON)), List.of());
    long start = System.nanoTime();
    try (FeatureFlags flags =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .pollInterval(TestFlags.POLL)
            .startupTimeout(Duration.ofMillis(200))
            .bootstrap(bootstrap)
            .build()) {
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMillis).as("build() is bounded by the start-up timeout").isLessThan(3_000);
      assertThat(flags.status().state()).isEqualTo(Status.State.STALE);
      assertThat(flags.isEnabled("reports", ACME)).isTrue();

      store.release.countDown();
      assertThat(flags.awaitReady(TestFlags.PATIENCE)).isTrue();
      TestFlags.await("real flags replace the bootstrap", () -> flags.flag("billing").isPresent());
      assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
      assertThat(flags.flag("reports")).isEmpty();
    } finally {
      store.release.countDown();
    }
  }

  @Test
  void build_strictFirstLoadHangs_throwsAfterTheStartupTimeout() {
    HangingStore store = new HangingStore(new InMemoryFlagStore());
    long start = System.nanoTime();
    try {
      assertThatThrownBy(
              () ->
                  FeatureFlags.builder()
                      .store(store)
                      .environment(ENV)
                      .startupTimeout(Duration.ofMillis(200))
                      .strictStartup(true)
                      .build())
          .isInstanceOf(FlagStoreException.class);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
    } finally {
      store.release.countDown();
    }
  }

  @Test
  void build_interrupted_startsSoftAndKeepsTheInterruptFlag() {
    FailingFlagStore store = downStoreWithFlags();
    Thread.currentThread().interrupt();
    try (FeatureFlags flags =
        FeatureFlags.builder().store(store).environment(ENV).pollInterval(TestFlags.POLL).build()) {
      // build() stopped waiting at once and keeps the caller's interrupt for it to handle.
      assertThat(Thread.interrupted()).isTrue();
      assertThat(flags.status().state()).isEqualTo(Status.State.ERROR);
      store.failing(false);
      TestFlags.await(
          "READY after the store comes", () -> flags.status().state() == Status.State.READY);
    } finally {
      Thread.interrupted();
    }
  }
}
