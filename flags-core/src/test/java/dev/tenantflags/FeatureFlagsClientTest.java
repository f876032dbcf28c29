package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FailingFlagStore;
import dev.tenantflags.spi.FlagStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The client's builder, accessors, push refresh, listeners and close. */
final class FeatureFlagsClientTest {
  private static final TenantKey ACME = TenantKey.of("acme");

  // ---- builder
  // ------------------------------------------------------------------------------------

  @Test
  void build_withoutStoreOrEnvironment_namesWhatIsMissing() {
    assertThatThrownBy(() -> FeatureFlags.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing store and environment");
    assertThatThrownBy(() -> FeatureFlags.builder().environment("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing store");
    assertThatThrownBy(() -> FeatureFlags.builder().store(new InMemoryFlagStore()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing environment");
  }

  @Test
  void builder_settingTwice_isRejectedNamingTheSetting() {
    FeatureFlags.Builder b = FeatureFlags.builder().store(new InMemoryFlagStore());
    assertThatThrownBy(() -> b.store(new InMemoryFlagStore()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("store was already set");
    b.pollInterval(Duration.ofSeconds(1));
    assertThatThrownBy(() -> b.pollInterval(Duration.ofSeconds(2)))
        .hasMessage("pollInterval was already set");
    b.strictStartup(false);
    assertThatThrownBy(() -> b.strictStartup(true)).hasMessage("strictStartup was already set");
  }

  @Test
  void builder_invalidValues_areRejectedAtOnceNamingTheParameter() {
    assertThatThrownBy(() -> FeatureFlags.builder().environment("Production"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("environment must match ^[a-z0-9_-]{1,32}$: 'Production'")
        .extracting(e -> ((FlagValidationException) e).field())
        .isEqualTo("environment");
    assertThatThrownBy(() -> FeatureFlags.builder().environment("x".repeat(33)))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageStartingWith("environment must match");
    assertThatThrownBy(() -> FeatureFlags.builder().environment(null))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("environment must not be null");
    assertThatThrownBy(() -> FeatureFlags.builder().pollInterval(Duration.ofMillis(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pollInterval must be at least 10 ms");
    assertThatThrownBy(() -> FeatureFlags.builder().startupTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("startupTimeout must not be negative");
    assertThatThrownBy(() -> FeatureFlags.builder().tenantCacheSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenantCacheSize must be at least 1: 0");
    assertThatThrownBy(() -> FeatureFlags.builder().tenantCacheExpiry(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tenantCacheExpiry must be positive");
    assertThatThrownBy(() -> FeatureFlags.builder().tenantCacheExpiry(Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tenantCacheExpiry must be positive");
    assertThatThrownBy(() -> FeatureFlags.builder().store(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("store");
    assertThatThrownBy(() -> FeatureFlags.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
    assertThatThrownBy(() -> FeatureFlags.builder().listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
    assertThatThrownBy(() -> FeatureFlags.builder().bootstrap((FlagExport) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("bootstrap");
  }

  @Test
  void admin_blankOrLongActor_isRejectedNamingActor() {
    try (FeatureFlags flags = TestFlags.client(new InMemoryFlagStore())) {
      assertThatThrownBy(() -> flags.admin(" "))
          .isInstanceOf(FlagValidationException.class)
          .hasMessage("actor must not be empty");
      assertThatThrownBy(() -> flags.admin("a".repeat(257)))
          .isInstanceOf(FlagValidationException.class)
          .hasMessage("actor must be at most 256 characters: 257");
    }
  }

  // ---- accessors
  // ----------------------------------------------------------------------------------

  @Test
  void accessors_reflectTheServedSnapshot() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      assertThat(flags.environment()).isEqualTo(ENV);
      assertThat(flags.flags()).isEmpty();
      flags.admin("a").create(Flag.of("b"), null);
      flags.admin("a").create(Flag.of("a"), null);
      flags.admin("a").archive("a", null);
      assertThat(flags.flags()).extracting(Flag::key).containsExactly("a", "b");
      assertThat(flags.flag("a")).get().extracting(Flag::archived).isEqualTo(true);
      assertThat(flags.flag("zzz")).isEmpty();
      assertThat(flags.flag(null)).isEmpty();
      assertThat(flags.status().version()).isEqualTo(store.changeVersion(ENV));
    }
  }

  @Test
  void clock_isUsedForAuditAndStatusTimes() {
    Instant fixed = Instant.parse("2026-11-21T12:00:00Z");
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .clock(Clock.fixed(fixed, ZoneOffset.UTC))
            .build()) {
      Flag created = flags.admin("a").create(Flag.of("f"), null);
      assertThat(created.updatedAt()).isEqualTo(fixed);
      assertThat(flags.admin("a").history("f", 1).get(0).at()).isEqualTo(fixed);
      assertThat(flags.status().lastRefresh()).isEqualTo(fixed);
    }
  }

  @Test
  void tenantCache_smallerThanTheTenants_stillAnswersCorrectly() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .tenantCacheSize(1)
            .tenantCacheExpiry(Duration.ofMinutes(1))
            .build()) {
      FlagAdmin admin = flags.admin("a");
      admin.create(Flag.of("f").withState(FlagState.ON), null);
      for (int i = 0; i < 20; i += 2) {
        admin.setOverride("f", "t" + i, false, false, null, null);
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 20; i++) {
          assertThat(flags.isEnabled("f", TenantKey.of("t" + i))).as("t" + i).isEqualTo(i % 2 == 1);
        }
      }
    }
  }

  // ---- push
  // ---------------------------------------------------------------------------------------

  /** A fake store that pushes: it calls subscribers after every write of the wrapped store. */
  private static final class PushingStore extends ForwardingStore {
    final List<LongConsumer> subscribers = new CopyOnWriteArrayList<>();
    final AtomicBoolean unsubscribed = new AtomicBoolean();

    PushingStore(FlagStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
      subscribers.add(listener);
      return Optional.of(
          () -> {
            unsubscribed.set(true);
            throw new IllegalStateException(
                "closing a subscription may fail; the client only logs it");
          });
    }

    void push(long version) {
      subscribers.forEach(s -> s.accept(version));
    }
  }

  @Test
  void subscribe_pushingStore_refreshesWithoutWaitingForThePoll() throws Exception {
    InMemoryFlagStore inner = new InMemoryFlagStore();
    PushingStore store = new PushingStore(inner);
    // Poll once an hour: only the push can bring the change in time.
    try (FeatureFlags flags =
            FeatureFlags.builder()
                .store(store)
                .environment(ENV)
                .pollInterval(Duration.ofHours(1))
                .build();
        FeatureFlags writer = TestFlags.client(inner)) {
      assertThat(store.subscribers).hasSize(1);
      writer.admin("bob").create(Flag.of("f").withState(FlagState.ON), null);
      assertThat(flags.isEnabled("f", ACME)).isFalse();
      store.push(inner.changeVersion(ENV));
      TestFlags.await("pushed change arrives", () -> flags.isEnabled("f", ACME));
      flags.close();
      assertThat(store.unsubscribed).isTrue();
      // After close, pushes are ignored and evaluation keeps the last snapshot.
      store.push(inner.changeVersion(ENV) + 1);
      assertThat(flags.isEnabled("f", ACME)).isTrue();
    }
  }

  @Test
  void subscribe_failing_fallsBackToPolling() {
    InMemoryFlagStore inner = new InMemoryFlagStore();
    FlagStore store =
        new ForwardingStore(inner) {
          @Override
          public Optional<AutoCloseable> subscribe(String environment, LongConsumer listener) {
            throw new dev.tenantflags.spi.FlagStoreException("no LISTEN for you");
          }
        };
    try (FeatureFlags flags = TestFlags.client(store);
        FeatureFlags writer = TestFlags.client(inner)) {
      writer.admin("bob").create(Flag.of("f").withState(FlagState.ON), null);
      TestFlags.await("polled change arrives", () -> flags.isEnabled("f", ACME));
    }
  }

  // ---- listeners and close
  // ------------------------------------------------------------------------

  @Test
  void listeners_throwing_areIsolatedAndRemovable() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      AtomicInteger calls = new AtomicInteger();
      FeatureFlagsListener bad =
          new FeatureFlagsListener() {
            @Override
            public void onFlagsChanged(Set<String> changedKeys) {
              calls.incrementAndGet();
              throw new IllegalStateException("listener bug");
            }

            @Override
            public void onStatusChanged(Status previous, Status current) {
              calls.incrementAndGet();
              throw new IllegalStateException("listener bug");
            }
          };
      List<Set<String>> good = new CopyOnWriteArrayList<>();
      flags.addListener(bad);
      flags.addListener(
          new FeatureFlagsListener() {
            @Override
            public void onFlagsChanged(Set<String> changedKeys) {
              good.add(changedKeys);
            }
          });
      // A listener with only defaults is fine too.
      flags.addListener(new FeatureFlagsListener() {});
      Flag created = flags.admin("a").create(Flag.of("f"), null);
      assertThat(created.version()).isEqualTo(1);
      assertThat(calls).hasValue(1);
      assertThat(good).containsExactly(Set.of("f"));

      flags.removeListener(bad);
      flags.admin("a").create(Flag.of("g"), null);
      assertThat(calls).hasValue(1);
      assertThat(good).containsExactly(Set.of("f"), Set.of("g"));
      assertThatThrownBy(() -> flags.addListener(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void listeners_statusListenerThrowing_doesNotStopTheClient() {
    FailingFlagStore store = new FailingFlagStore(new InMemoryFlagStore());
    try (FeatureFlags flags = TestFlags.client(store)) {
      flags.addListener(
          new FeatureFlagsListener() {
            @Override
            public void onStatusChanged(Status previous, Status current) {
              throw new IllegalStateException("listener bug");
            }
          });
      store.failing(true);
      TestFlags.await("STALE", () -> flags.status().state() == Status.State.STALE);
      store.failing(false);
      TestFlags.await("READY", () -> flags.status().state() == Status.State.READY);
    }
  }

  @Test
  void close_stopsPollingKeepsAnsweringAndIsIdempotent() {
    FailingFlagStore store = new FailingFlagStore(new InMemoryFlagStore());
    FeatureFlags flags = TestFlags.client(store);
    flags.admin("a").create(Flag.of("f").withState(FlagState.ON), null);
    flags.admin("a").setOverride("f", "globex", false, false, null, null);
    flags.close();
    flags.close();
    long polls = store.changeVersionCalls();
    TestFlags.sleep(Duration.ofMillis(100));
    assertThat(store.changeVersionCalls()).isEqualTo(polls);
    assertThat(flags.isEnabled("f", ACME)).isTrue();
    // Every override is held in memory: a tenant never evaluated before still gets its own.
    assertThat(flags.evaluate("f", TenantKey.of("globex")))
        .isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
  }

  @Test
  void changeSet_incomplete_dropsEveryCachedTenant() {
    InMemoryFlagStore inner = new InMemoryFlagStore();
    FlagStore forgetful =
        new ForwardingStore(inner) {
          @Override
          public ChangeSet changesSince(String environment, long sinceVersion) {
            return ChangeSet.unknown(inner.changeVersion(environment));
          }
        };
    try (FeatureFlags flags = TestFlags.client(forgetful);
        FeatureFlags writer = TestFlags.client(inner)) {
      writer.admin("w").create(Flag.of("f").withState(FlagState.ON), null);
      writer.admin("w").setOverride("f", "other", true, false, null, null);
      TestFlags.await("flag arrives", () -> flags.isEnabled("f", ACME));
      writer.admin("w").setOverride("f", "acme", false, false, null, null);
      TestFlags.await("override of cached tenant arrives", () -> !flags.isEnabled("f", ACME));
    }
  }
}
