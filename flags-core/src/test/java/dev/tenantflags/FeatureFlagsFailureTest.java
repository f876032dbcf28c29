package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.spi.FailingFlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §4 "store down or slow": a store that fails on demand under a running client. */
final class FeatureFlagsFailureTest {
  private static final TenantKey ACME = TenantKey.of("acme");
  private static final TenantKey COLD = TenantKey.of("cold");

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private InMemoryFlagStore inner;
  private FailingFlagStore store;
  private FeatureFlags flags;
  private final List<Status.State> transitions = new CopyOnWriteArrayList<>();
  private final List<Set<String>> flagChanges = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    inner = new InMemoryFlagStore();
    store = new FailingFlagStore(inner);
    flags =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .pollInterval(TestFlags.POLL)
            // Lazy mode: the cold-tenant behaviour below is lazy mode's (the default holds all).
            .overrideMemoryLimit(0)
            .coldLoadTimeout(TestFlags.PATIENCE)
            .listener(
                new FeatureFlagsListener() {
                  @Override
                  public void onStatusChanged(Status previous, Status current) {
                    transitions.add(current.state());
                  }

                  @Override
                  public void onFlagsChanged(Set<String> changedKeys) {
                    flagChanges.add(changedKeys);
                  }
                })
            .build();
    toClose.add(flags);
    FlagAdmin admin = flags.admin("ops");
    admin.create(Flag.of("billing").withState(FlagState.ON), null);
    admin.create(Flag.of("reports").withState(FlagState.ON), null);
    admin.setOverride("billing", "acme", false, false, null, null);
    admin.setOverride("billing", "cold", false, false, null, null);
    // acme is warm: its overrides are cached.
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private void goDown() {
    store.failing(true);
    TestFlags.await("status is STALE", () -> flags.status().state() == Status.State.STALE);
  }

  private void comeBack() {
    store.failing(false);
    TestFlags.await("status is READY", () -> flags.status().state() == Status.State.READY);
  }

  @Test
  void isEnabled_storeDown_keepsAnsweringFromTheLastSnapshot() {
    goDown();
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    assertThat(flags.isEnabled("reports", ACME)).isTrue();
    assertThat(flags.isEnabled("nope", ACME, true)).isFalse();
    assertThat(flags.evaluateAll(ACME))
        .containsEntry("billing", false)
        .containsEntry("reports", true);
  }

  @Test
  void status_storeDown_isStaleWithLastGoodRefreshAndDetail() {
    Instant lastGood = flags.status().lastRefresh();
    long version = flags.status().version();
    goDown();
    Status stale = flags.status();
    assertThat(stale.lastRefresh()).isNotNull().isAfterOrEqualTo(lastGood);
    assertThat(stale.version()).isEqualTo(version);
    assertThat(stale.detail()).contains("FlagStoreException").contains("store unreachable");
    TestFlags.sleep(Duration.ofMillis(100));
    assertThat(flags.status().lastRefresh()).isEqualTo(stale.lastRefresh());
  }

  @Test
  void evaluate_coldTenantWhileStoreDown_isEvaluatedWithoutOverridesAndSaysSo() {
    goDown();
    Evaluation cold = flags.evaluate("billing", COLD);
    assertThat(cold.enabled()).isTrue();
    assertThat(cold.reason()).isEqualTo(Reason.ON);
    assertThat(cold.overridesUnavailable()).isTrue();
    // A flag nobody overrides needs no overrides: nothing is missing.
    assertThat(flags.evaluate("reports", COLD)).isEqualTo(Evaluation.of(true, Reason.ON, false));
    // The warm tenant's answer is complete.
    assertThat(flags.evaluate("billing", ACME).overridesUnavailable()).isFalse();
  }

  @Test
  void evaluate_coldTenantFailingBeforeTheRefreshNotices_isDegradedThenRecovers() {
    // Fail and evaluate at once, so the evaluating thread is the first to meet the failure.
    store.failing(true);
    Evaluation cold = flags.evaluate("billing", COLD);
    assertThat(cold).isEqualTo(Evaluation.of(true, Reason.ON, true));
    TestFlags.await("status is STALE", () -> flags.status().state() == Status.State.STALE);
    comeBack();
    assertThat(flags.evaluate("billing", COLD)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
  }

  @Test
  void prerequisiteWithUnavailableOverrides_propagatesTheDegradedMark() {
    FlagAdmin admin = flags.admin("ops");
    admin.create(
        Flag.of("dependent").withState(FlagState.ON).withPrerequisites(List.of("billing")), null);
    goDown();
    // billing's override for cold (false) is unknown, so billing is ON for cold and dependent too.
    assertThat(flags.evaluate("dependent", COLD)).isEqualTo(Evaluation.of(true, Reason.ON, true));
    comeBack();
    assertThat(flags.evaluate("dependent", COLD))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  @Test
  void status_storeReturns_isReadyAndChangesMadeMeanwhileArrive() {
    goDown();
    // Another process writes while this client cannot see the store.
    try (FeatureFlags other = TestFlags.client(inner)) {
      FlagAdmin otherAdmin = other.admin("bob");
      otherAdmin.kill("reports", null);
      otherAdmin.setOverride("billing", "acme", true, false, null, null);
      otherAdmin.create(Flag.of("fresh").withState(FlagState.ON), null);
    }
    // Still the old answers while down.
    assertThat(flags.isEnabled("reports", ACME)).isTrue();
    assertThat(flags.isEnabled("billing", ACME)).isFalse();

    comeBack();
    assertThat(flags.isEnabled("reports", ACME)).isFalse();
    // acme was cached before the outage; the override changed meanwhile must not be served stale.
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(true, Reason.OVERRIDE));
    assertThat(flags.isEnabled("fresh", ACME)).isTrue();
    assertThat(flags.status().detail()).isNull();
  }

  @Test
  void listeners_outageAndRecovery_receiveStatusAndFlagChanges() {
    transitions.clear();
    flagChanges.clear();
    goDown();
    try (FeatureFlags other = TestFlags.client(inner)) {
      other.admin("bob").kill("reports", null);
    }
    comeBack();
    assertThat(transitions).containsExactly(Status.State.STALE, Status.State.READY);
    TestFlags.await("flag change delivered", () -> flagChanges.contains(Set.of("reports")));
  }

  @Test
  void listeners_onlyFlagChangesImplemented_statusChangesAreIgnoredByTheDefault() {
    List<Set<String>> seen = new CopyOnWriteArrayList<>();
    flags.addListener(
        new FeatureFlagsListener() {
          @Override
          public void onFlagsChanged(Set<String> changedKeys) {
            seen.add(changedKeys);
          }
        });
    goDown();
    comeBack();
    flags.admin("ops").kill("reports", null);
    assertThat(seen).containsExactly(Set.of("reports"));
  }

  @Test
  void listeners_writeThroughAdmin_receiveExactlyTheChangedKey() {
    flagChanges.clear();
    flags.admin("ops").kill("billing", null);
    assertThat(flagChanges).containsExactly(Set.of("billing"));
  }

  @Test
  void admin_storeDown_throwsFlagStoreExceptionAndClientKeepsServing() {
    goDown();
    FlagAdmin admin = flags.admin("ops");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.kill("billing", null))
        .isInstanceOf(dev.tenantflags.spi.FlagStoreException.class);
    assertThat(flags.isEnabled("reports", ACME)).isTrue();
    comeBack();
    assertThat(inner.loadFlag(ENV, "billing").orElseThrow().state()).isEqualTo(FlagState.ON);
  }

  @Test
  void refresh_storeDown_retriesAtThePollIntervalNotInABusyLoop() {
    FailingFlagStore slow = new FailingFlagStore(new InMemoryFlagStore());
    FeatureFlags client =
        FeatureFlags.builder()
            .store(slow)
            .environment(ENV)
            .pollInterval(Duration.ofMillis(100))
            .build();
    toClose.add(client);
    slow.failing(true);
    long before = slow.changeVersionCalls();
    TestFlags.sleep(Duration.ofMillis(1000));
    long polls = slow.changeVersionCalls() - before;
    // About 10 polls in a second; a retry loop without delay makes hundreds of thousands.
    assertThat(polls).isBetween(3L, 30L);
  }

  @Test
  void evaluate_manyColdTenantsWhileStoreDown_doNotEachWaitOnTheStore() {
    goDown();
    long before = store.calls();
    for (int i = 0; i < 1_000; i++) {
      assertThat(flags.evaluate("billing", TenantKey.of("new-" + i)).overridesUnavailable())
          .isTrue();
    }
    // Only the refresh thread's polls reach the store, not one load per tenant.
    assertThat(store.calls() - before).isLessThan(200);
  }
}
