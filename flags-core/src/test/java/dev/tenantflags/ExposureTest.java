package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 12: opt-in exposure events, de-duplicated per window, never blocking. */
final class ExposureTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<Exposure> events = new CopyOnWriteArrayList<>();
  private InMemoryFlagStore store;

  @BeforeEach
  void seed() {
    store = new InMemoryFlagStore();
    try (FeatureFlags seed = TestFlags.client(store)) {
      seed.admin("ops").create(Flag.of("on").withState(FlagState.ON), null);
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private FeatureFlags client(ExposureListener listener, Duration window, int queue) {
    FeatureFlags flags =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .pollInterval(TestFlags.POLL)
            .exposureListener(listener, window)
            .exposureQueue(queue)
            .build();
    toClose.add(0, flags);
    return flags;
  }

  @Test
  void exposure_sameFlagTenantValue_isSentOncePerWindow() {
    FeatureFlags flags = client(events::add, Duration.ofHours(1), 100);
    for (int i = 0; i < 1_000; i++) {
      flags.isEnabled("on", TenantKey.of("acme"));
      flags.isEnabled("on", "globex");
      flags.isEnabled("missing", "globex");
    }
    TestFlags.await("two events", () -> events.size() == 2);
    // The value changes for acme: a new (flag, tenant, value).
    flags.admin("ops").setOverride("on", "acme", false, false, null, null);
    flags.isEnabled("on", TenantKey.of("acme"));
    flags.isEnabled("on", TenantKey.of("acme"));
    TestFlags.await("three events", () -> events.size() == 3);
    TestFlags.sleep(Duration.ofMillis(50));
    assertThat(events).hasSize(3);
    Exposure last = events.get(2);
    assertThat(last.flagKey()).isEqualTo("on");
    assertThat(last.tenantId()).isEqualTo("acme");
    assertThat(last.enabled()).isFalse();
    assertThat(last.reason()).isEqualTo(Reason.OVERRIDE);
    assertThat(last.at()).isNotNull();
    assertThat(flags.exposureDrops()).isZero();
  }

  @Test
  void exposure_afterTheWindow_isSentAgain() {
    FeatureFlags flags = client(events::add, Duration.ofMillis(1), 100);
    flags.isEnabled("on", "acme");
    TestFlags.sleep(Duration.ofMillis(20));
    flags.isEnabled("on", "acme");
    TestFlags.await("two events", () -> events.size() == 2);
  }

  @Test
  void exposure_slowListener_dropsAndCountsWithoutBlocking() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    FeatureFlags flags =
        client(
            e -> {
              try {
                stuck.await();
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
              }
              events.add(e);
            },
            Duration.ofHours(1),
            2);
    try {
      long start = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        flags.isEnabled("on", "tenant-" + i);
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
      // One event is with the listener, two wait in the queue, the rest were dropped.
      assertThat(flags.exposureDrops()).isBetween(97L, 98L);
    } finally {
      stuck.countDown();
    }
    TestFlags.await("queued events delivered", () -> events.size() >= 2);
  }

  @Test
  void exposure_listenerThrows_keepsDelivering() {
    FeatureFlags flags =
        client(
            e -> {
              events.add(e);
              throw new IllegalStateException("pipeline down");
            },
            Duration.ofHours(1),
            100);
    flags.isEnabled("on", "a");
    flags.isEnabled("on", "b");
    TestFlags.await("both delivered", () -> events.size() == 2);
    try (FeatureFlags plain = TestFlags.client(store)) {
      // Without an exposure listener there is nothing to drop.
      plain.isEnabled("on", "a");
      assertThat(plain.exposureDrops()).isZero();
    }
  }
}
