package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.spi.FlagStoreException;
import dev.tenantflags.spi.UsageBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §8: per-flag counts in the client, flushed as hourly buckets, exact. */
final class UsageTest {
  private static final Instant HALF_PAST_TEN = Instant.parse("2026-11-30T10:30:00Z");
  private static final Instant TEN = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant ELEVEN = Instant.parse("2026-11-30T11:00:00Z");

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final MutableClock clock = new MutableClock(HALF_PAST_TEN);
  private InMemoryFlagStore inner;
  private ScriptedStore store;

  @BeforeEach
  void seed() {
    inner = new InMemoryFlagStore();
    store = new ScriptedStore(inner);
    try (FeatureFlags seed = TestFlags.client(inner)) {
      seed.admin("ops").create(Flag.of("on").withState(FlagState.ON), null);
      seed.admin("ops").create(Flag.of("off"), null);
      seed.admin("ops")
          .create(
              Flag.of("pro").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")),
              null);
    }
    inner.addUsage(List.of()); // the seed client flushed nothing: nothing was evaluated
    assertThat(inner.usage(ENV, "on", TEN, ELEVEN.plusSeconds(3600))).isEmpty();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private FeatureFlags client(FeatureFlags.Builder builder) {
    FeatureFlags flags = builder.build();
    toClose.add(flags);
    return flags;
  }

  private FeatureFlags.Builder builder() {
    return FeatureFlags.builder()
        .store(store)
        .environment(ENV)
        .pollInterval(TestFlags.POLL)
        .startupTimeout(TestFlags.PATIENCE)
        .clock(clock);
  }

  /** Flushes only when the test says so. */
  private FeatureFlags manualFlushing() {
    return client(builder().usageFlushInterval(Duration.ofHours(24)));
  }

  private UsageBucket bucket(String key, Instant hour) {
    List<UsageBucket> buckets = inner.usage(ENV, key, hour, hour.plusSeconds(3600));
    assertThat(buckets).hasSize(1);
    return buckets.get(0);
  }

  @Test
  void usage_concurrentEvaluationsAcrossAnHour_areCountedExactly() throws Exception {
    FeatureFlags flags = manualFlushing();
    int threads = 4;
    int perThread = 25_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(
            pool.submit(
                () -> {
                  TenantKey tenant = TenantKey.of("tenant-" + id).with("plan", "pro");
                  for (int i = 0; i < perThread; i++) {
                    flags.isEnabled("on", tenant);
                    flags.isEnabled("off", "tenant-" + id);
                    flags.evaluate("pro", (i & 1) == 0 ? tenant : TenantKey.of("x"));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    flags.recordRefusal("off");
    flags.recordRefusal("off");
    flags.recordRefusal("missing");
    // Not an application's use: not counted.
    flags.explain("on", TenantKey.of("console"));
    flags.flushUsageNow();

    int total = threads * perThread;
    UsageBucket on = bucket("on", TEN);
    assertThat(on.trueCount()).isEqualTo(total);
    assertThat(on.falseCount()).isZero();
    assertThat(on.lastEvaluatedAt()).isEqualTo(HALF_PAST_TEN);
    UsageBucket off = bucket("off", TEN);
    assertThat(off.falseCount()).isEqualTo(total);
    assertThat(off.refusedCount()).isEqualTo(2);
    UsageBucket pro = bucket("pro", TEN);
    assertThat(pro.trueCount()).isEqualTo(total / 2);
    assertThat(pro.falseCount()).isEqualTo(total / 2);

    // The next hour: new counts go to a new bucket, the old one is not counted twice.
    clock.advance(Duration.ofMinutes(35));
    flags.isEnabled("on", TenantKey.of("late"));
    flags.evaluateAll(TenantKey.of("late"));
    flags.flushUsageNow();
    assertThat(bucket("on", TEN).trueCount()).isEqualTo(total);
    UsageBucket later = bucket("on", ELEVEN);
    assertThat(later.trueCount()).isEqualTo(2);
    assertThat(bucket("off", ELEVEN).falseCount()).isEqualTo(1);
    assertThat(flags.admin("ops").lastEvaluated())
        .containsEntry("on", HALF_PAST_TEN.plusSeconds(35 * 60));
    assertThat(flags.admin("ops").usage("on", TEN, ELEVEN.plusSeconds(3600))).hasSize(2);
  }

  @Test
  void usage_off_countsNothing() {
    FeatureFlags flags = client(builder().usage(false));
    for (int i = 0; i < 100; i++) {
      flags.isEnabled("on", TenantKey.of("acme"));
    }
    flags.recordRefusal("on");
    flags.flushUsageNow();
    flags.close();
    assertThat(inner.usage(ENV, "on", TEN, ELEVEN)).isEmpty();
    assertThat(store.calls("addUsage")).isZero();
  }

  @Test
  void flush_storeFails_keepsTheCountsForTheNextFlush() {
    FeatureFlags flags = manualFlushing();
    store.fail("addUsage", () -> new FlagStoreException("database down"));
    for (int i = 0; i < 10; i++) {
      flags.isEnabled("on", TenantKey.of("acme"));
    }
    flags.flushUsageNow();
    flags.flushUsageNow();
    assertThat(inner.usage(ENV, "on", TEN, ELEVEN)).isEmpty();
    store.fail("addUsage", null);
    flags.isEnabled("on", TenantKey.of("acme"));
    flags.flushUsageNow();
    assertThat(bucket("on", TEN).trueCount()).isEqualTo(11);
  }

  @Test
  void flush_storeWithoutUsage_isNotAskedAgain() {
    store.usageUnsupported = true;
    FeatureFlags flags = manualFlushing();
    flags.isEnabled("on", TenantKey.of("acme"));
    flags.flushUsageNow();
    flags.isEnabled("on", TenantKey.of("acme"));
    flags.flushUsageNow();
    assertThat(store.calls("addUsage")).isEqualTo(1);
  }

  @Test
  void flush_onTheSchedule_andOnClose() {
    FeatureFlags flags = client(builder().usageFlushInterval(Duration.ofMillis(20)));
    flags.isEnabled("on", TenantKey.of("acme"));
    TestFlags.await("flushed", () -> !inner.usage(ENV, "on", TEN, ELEVEN).isEmpty());
    FeatureFlags closing = client(builder());
    closing.isEnabled("off", TenantKey.of("acme"));
    closing.close();
    assertThat(bucket("off", TEN).falseCount()).isEqualTo(1);
  }

  @Test
  void pending_whileTheStoreIsDown_isBounded() {
    int cap = 50;
    UsageCounters counters = new UsageCounters(cap);
    FlagUsage u = counters.forKey("on");
    store.fail("addUsage", () -> new FlagStoreException("down"));
    int hours = cap + 5;
    for (int h = 0; h < hours; h++) {
      u.record(true);
      counters.flush(store, ENV, clock);
      clock.advance(Duration.ofHours(1));
    }
    assertThat(counters.pendingBuckets()).isEqualTo(cap);
    assertThat(counters.droppedBuckets()).isEqualTo(5);
    store.fail("addUsage", null);
    counters.flush(store, ENV, clock);
    assertThat(counters.pendingBuckets()).isZero();
    assertThat(counters.totals().get("on")[0]).isEqualTo(hours);
  }

  @Test
  void evaluateAll_acrossSnapshotChanges_countsEveryFlagOfEveryCall() {
    FeatureFlags flags = manualFlushing();
    TenantKey pro = TenantKey.of("acme").with("plan", "pro");
    flags.evaluateAll(pro);
    flags.evaluateAll(TenantKey.of("globex"));
    flags.admin("ops").create(Flag.of("newer").withState(FlagState.ON), null);
    flags.evaluateAll(pro);
    flags.flushUsageNow();
    assertThat(bucket("on", TEN).trueCount()).isEqualTo(3);
    assertThat(bucket("off", TEN).falseCount()).isEqualTo(3);
    assertThat(bucket("pro", TEN).trueCount()).isEqualTo(2);
    assertThat(bucket("pro", TEN).falseCount()).isEqualTo(1);
    assertThat(bucket("newer", TEN).trueCount()).isEqualTo(1);
    // A second flush adds nothing new.
    flags.flushUsageNow();
    assertThat(bucket("on", TEN).trueCount()).isEqualTo(3);
    flags.evaluateAll(pro);
    flags.flushUsageNow();
    assertThat(bucket("on", TEN).trueCount()).isEqualTo(4);
  }

  @Test
  void close_whileAFlushHangsInTheStore_returnsPromptly() {
    java.util.concurrent.CountDownLatch hung = store.hang("addUsage");
    try {
      FeatureFlags flags = client(builder().usageFlushInterval(Duration.ofMillis(20)));
      flags.isEnabled("on", TenantKey.of("acme"));
      TestFlags.await("a flush is in the store", () -> store.calls("addUsage") > 0);
      // Publishing snapshots meanwhile does not wait for the hung flush.
      flags.admin("ops").create(Flag.of("during").withState(FlagState.ON), null);
      assertThat(flags.isEnabled("during", TenantKey.of("acme"))).isTrue();
      long start = System.nanoTime();
      flags.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      hung.countDown();
    }
  }
}
