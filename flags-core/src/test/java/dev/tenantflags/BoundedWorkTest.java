package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 "work per call is bounded": prerequisites memoised per call, a graph limit on write; and
 * kill/archive/restore without an expected version retrying a concurrent edit.
 */
final class BoundedWorkTest {
  private static final int LAYERS = 31;

  private ScriptedStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;

  @BeforeEach
  void start() {
    store = new ScriptedStore(new InMemoryFlagStore());
    flags = TestFlags.client(store);
    admin = flags.admin("ops");
  }

  @AfterEach
  void stop() {
    flags.close();
  }

  /** Layer i has two flags, each requiring both flags of layer i + 1; the last is TARGETED. */
  private void diamond() {
    for (int layer = LAYERS - 1; layer >= 0; layer--) {
      for (String side : List.of("a", "b")) {
        Flag f =
            layer == LAYERS - 1
                ? Flag.of("l" + layer + side)
                    .withState(FlagState.TARGETED)
                    .withScope(Scope.of("plan", "pro"))
                : Flag.of("l" + layer + side)
                    .withState(FlagState.ON)
                    .withPrerequisites(List.of("l" + (layer + 1) + "a", "l" + (layer + 1) + "b"));
        admin.create(f, null);
      }
    }
  }

  @Test
  void evaluate_diamondOf31Layers_isMemoisedAndAnswersAtOnce() {
    diamond();
    TenantKey pro = TenantKey.of("acme").with("plan", "pro");
    TenantKey free = TenantKey.of("acme").with("plan", "free");
    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      assertThat(flags.evaluate("l0a", pro)).isEqualTo(Evaluation.of(true, Reason.ON));
      assertThat(flags.evaluate("l0b", free))
          .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
    }
    assertThat(flags.evaluateAll(pro)).hasSize(2 * LAYERS).doesNotContainValue(false);
    assertThat(flags.evaluateAll(free)).hasSize(2 * LAYERS).doesNotContainValue(true);
    // Without memoisation one evaluation is 2^30 prerequisite evaluations (seconds each); a
    // liveness bound, not a speed claim.
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
  }

  @Test
  void create_moreThanTheGraphLimitOfLinks_isRejectedNamingPrerequisites() {
    List<String> leaves = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      admin.create(Flag.of("leaf" + i).withState(FlagState.ON), null);
      leaves.add("leaf" + i);
    }
    List<String> mids = new ArrayList<>();
    for (int i = 0; i < 34; i++) {
      admin.create(Flag.of("mid" + i).withState(FlagState.ON).withPrerequisites(leaves), null);
      mids.add("mid" + i);
    }
    // 34 + 34 * 30 = 1,054 links reachable from top.
    assertThatThrownBy(
            () ->
                admin.create(Flag.of("top").withState(FlagState.ON).withPrerequisites(mids), null))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageContaining("more than 1000 prerequisite links")
        .extracting(e -> ((FlagValidationException) e).field())
        .isEqualTo("prerequisites");
    assertThat(flags.flag("top")).isEmpty();
    // Within the limit it is accepted.
    admin.create(
        Flag.of("top").withState(FlagState.ON).withPrerequisites(mids.subList(0, 20)), null);
    assertThat(flags.isEnabled("top", TenantKey.of("acme"))).isTrue();
  }

  @Test
  void kill_withoutExpectedVersionMeetingConcurrentEdits_retriesAndSucceeds() {
    admin.create(Flag.of("billing").withState(FlagState.ON), null);
    AtomicInteger conflicts = new AtomicInteger(2);
    store.fail(
        "updateFlag",
        () ->
            conflicts.getAndDecrement() > 0
                ? new FlagConflictException(
                    FlagConflictException.Kind.STALE_VERSION, "version of flag 'billing' moved")
                : null);
    Flag killed = admin.kill("billing", "incident");
    assertThat(killed.state()).isEqualTo(FlagState.OFF);
    assertThat(store.calls("updateFlag")).isEqualTo(3);
    assertThat(flags.evaluate("billing", TenantKey.of("acme")))
        .isEqualTo(Evaluation.of(false, Reason.OFF));
    conflicts.set(2);
    assertThat(admin.archive("billing", null).archived()).isTrue();
    conflicts.set(2);
    assertThat(admin.restore("billing", null).archived()).isFalse();
  }

  @Test
  void kill_conflictsThatDoNotStop_failAfterTheAttempts() {
    admin.create(Flag.of("billing").withState(FlagState.ON), null);
    store.fail(
        "updateFlag",
        () -> new FlagConflictException(FlagConflictException.Kind.STALE_VERSION, "moved"));
    long before = store.calls("updateFlag");
    assertThatThrownBy(() -> admin.kill("billing", null))
        .isInstanceOf(FlagConflictException.class)
        .hasMessage("moved");
    assertThat(store.calls("updateFlag") - before).isEqualTo(FlagAdmin.CONFLICT_ATTEMPTS);
    // An update with an expected version is the caller's decision: no retry.
    before = store.calls("updateFlag");
    assertThatThrownBy(() -> admin.update("billing", 1, f -> f.withState(FlagState.OFF), null))
        .isInstanceOf(FlagConflictException.class);
    assertThat(store.calls("updateFlag") - before).isEqualTo(1);
  }
}
