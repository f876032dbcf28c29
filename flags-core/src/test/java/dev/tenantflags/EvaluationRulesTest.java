package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test per rule and reason of SPEC §3, in the order of the rules. */
final class EvaluationRulesTest {
  private static final TenantKey ACME = TenantKey.of("acme").with("plan", "pro");
  private static final TenantKey GLOBEX = TenantKey.of("globex").with("plan", "free");

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;

  @BeforeEach
  void start() {
    store = new InMemoryFlagStore();
    flags = TestFlags.client(store);
    admin = flags.admin("alice");
  }

  @AfterEach
  void stop() {
    flags.close();
  }

  private void create(Flag flag) {
    admin.create(flag, null);
  }

  // ---- rule 1 ---------------------------------------------------------------------------------

  @Test
  void evaluate_unknownFlag_isFalseFlagNotFound() {
    assertThat(flags.evaluate("no_such_flag", ACME))
        .isEqualTo(Evaluation.of(false, Reason.FLAG_NOT_FOUND));
  }

  @Test
  void isEnabled_unknownFlagWithDefaultTrue_isFalseNotTheDefault() {
    // The default is for ERROR only (rule 8); a missing flag is a definite "off".
    assertThat(flags.isEnabled("no_such_flag", ACME, true)).isFalse();
  }

  @Test
  void evaluate_archivedFlag_isFalseArchived() {
    create(Flag.of("old").withState(FlagState.ON));
    admin.setOverride("old", "acme", true, false, null, null);
    admin.archive("old", "retired");
    assertThat(flags.evaluate("old", ACME)).isEqualTo(Evaluation.of(false, Reason.ARCHIVED));
  }

  @Test
  void evaluate_restoredFlag_evaluatesAgain() {
    create(Flag.of("old").withState(FlagState.ON));
    admin.archive("old", null);
    admin.restore("old", null);
    assertThat(flags.evaluate("old", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  // ---- rule 2 ---------------------------------------------------------------------------------

  @Test
  void evaluate_offFlag_isFalseOff() {
    create(Flag.of("f"));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.OFF));
  }

  @Test
  void evaluate_killedFlagWithOverride_isOff() {
    create(Flag.of("f").withState(FlagState.ON));
    admin.setOverride("f", "acme", true, false, null, null);
    admin.kill("f", "incident 42");
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.OFF));
  }

  @Test
  void evaluate_offFlagWithFailingPrerequisite_isOffNotPrerequisiteFailed() {
    create(Flag.of("module"));
    create(Flag.of("f").withPrerequisites(List.of("module")));
    assertThat(flags.evaluate("f", ACME).reason()).isEqualTo(Reason.OFF);
  }

  // ---- rule 3 ---------------------------------------------------------------------------------

  @Test
  void evaluate_prerequisiteOff_isFalsePrerequisiteFailed() {
    create(Flag.of("module"));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("module")));
    assertThat(flags.evaluate("f", ACME))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  @Test
  void evaluate_prerequisitesAllOn_fallsThroughToOwnState() {
    create(Flag.of("a").withState(FlagState.ON));
    create(Flag.of("b").withState(FlagState.ON));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("a", "b")));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  @Test
  void evaluate_secondOfTwoPrerequisitesOff_isPrerequisiteFailed() {
    create(Flag.of("a").withState(FlagState.ON));
    create(Flag.of("b"));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("a", "b")));
    assertThat(flags.evaluate("f", ACME))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  @Test
  void evaluate_prerequisiteOfPrerequisiteOff_isPrerequisiteFailedRecursively() {
    create(Flag.of("root"));
    create(Flag.of("middle").withState(FlagState.ON).withPrerequisites(List.of("root")));
    create(Flag.of("leaf").withState(FlagState.ON).withPrerequisites(List.of("middle")));
    assertThat(flags.evaluate("leaf", ACME))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));

    admin.update("root", FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.ON), null);
    assertThat(flags.evaluate("leaf", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  @Test
  void evaluate_prerequisiteTargetedPerTenant_decidesPerTenant() {
    create(Flag.of("module").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("module")));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
    assertThat(flags.evaluate("f", GLOBEX))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  @Test
  void evaluate_prerequisiteSwitchedOnByOverride_counts() {
    // Prerequisites are evaluated with the same rules for the same tenant, overrides included.
    create(Flag.of("module").withState(FlagState.TARGETED));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("module")));
    admin.setOverride("module", "acme", true, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
    assertThat(flags.evaluate("f", GLOBEX))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  @Test
  void evaluate_archivedPrerequisite_isPrerequisiteFailed() {
    create(Flag.of("module").withState(FlagState.ON));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("module")));
    admin.archive("module", null);
    assertThat(flags.evaluate("f", ACME))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  // ---- rule 4 ---------------------------------------------------------------------------------

  @Test
  void evaluate_overrideOnFailedPrerequisite_isPrerequisiteFailed() {
    create(Flag.of("module"));
    create(Flag.of("f").withState(FlagState.ON).withPrerequisites(List.of("module")));
    admin.setOverride("f", "acme", true, false, null, null);
    assertThat(flags.evaluate("f", ACME))
        .isEqualTo(Evaluation.of(false, Reason.PREREQUISITE_FAILED));
  }

  @Test
  void evaluate_overrideOffBeatsOn_isFalseOverride() {
    create(Flag.of("f").withState(FlagState.ON));
    admin.setOverride("f", "acme", false, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    assertThat(flags.evaluate("f", GLOBEX)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  @Test
  void evaluate_overrideOnBeatsTargetedNoMatch_isTrueOverride() {
    create(Flag.of("f").withState(FlagState.TARGETED).withScope(Scope.of("plan", "enterprise")));
    admin.setOverride("f", "acme", true, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.OVERRIDE));
  }

  @Test
  void evaluate_overrideOffBeatsTargetedMatch_isFalseOverride() {
    create(Flag.of("f").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")));
    admin.setOverride("f", "acme", false, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
  }

  @Test
  void evaluate_overrideOnBeatsRolloutZero_isTrueOverride() {
    create(Flag.of("f").withState(FlagState.ROLLOUT).withRolloutPercent("0"));
    admin.setOverride("f", "acme", true, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.OVERRIDE));
    assertThat(flags.evaluate("f", GLOBEX)).isEqualTo(Evaluation.of(false, Reason.ROLLOUT_OUT));
  }

  @Test
  void evaluate_overrideOffBeatsRolloutHundred_isFalseOverride() {
    create(Flag.of("f").withState(FlagState.ROLLOUT).withRolloutPercent("100"));
    admin.setOverride("f", "acme", false, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
  }

  @Test
  void evaluate_overrideOfAnotherFlag_doesNotApply() {
    create(Flag.of("f").withState(FlagState.ON));
    create(Flag.of("g").withState(FlagState.ON));
    admin.setOverride("g", "acme", false, false, null, null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  @Test
  void evaluate_clearedOverride_fallsBackToState() {
    create(Flag.of("f").withState(FlagState.ON));
    admin.setOverride("f", "acme", false, false, null, null);
    admin.clearOverride("f", "acme", null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  // ---- rule 5 ---------------------------------------------------------------------------------

  @Test
  void evaluate_onFlag_isTrueOn() {
    create(Flag.of("f").withState(FlagState.ON).withScope(Scope.of("plan", "enterprise")));
    // ON ignores the scope.
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  // ---- rule 6 ---------------------------------------------------------------------------------

  @Test
  void evaluate_targetedScopeMatches_isTrueTargetMatch() {
    create(
        Flag.of("f")
            .withState(FlagState.TARGETED)
            .withScope(Scope.of("plan", "pro", "enterprise")));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.TARGET_MATCH));
    assertThat(flags.evaluate("f", GLOBEX)).isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  @Test
  void evaluate_targetedEmptyScope_matchesNobody() {
    create(Flag.of("f").withState(FlagState.TARGETED));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
    assertThat(flags.evaluate("f", GLOBEX)).isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  @Test
  void evaluate_targetedTenantAxis_meansTheTenantId() {
    create(Flag.of("f").withState(FlagState.TARGETED).withScope(Scope.of("tenant", "acme")));
    assertThat(flags.evaluate("f", TenantKey.of("acme")))
        .isEqualTo(Evaluation.of(true, Reason.TARGET_MATCH));
    assertThat(flags.evaluate("f", TenantKey.of("globex").with("name", "acme")))
        .isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  @Test
  void evaluate_targetedEveryAxisMustMatch_oneMismatchIsNoMatch() {
    Scope scope = Scope.of("plan", "pro").with("region", List.of("eu"));
    create(Flag.of("f").withState(FlagState.TARGETED).withScope(scope));
    assertThat(flags.evaluate("f", ACME.with("region", "eu")))
        .isEqualTo(Evaluation.of(true, Reason.TARGET_MATCH));
    assertThat(flags.evaluate("f", ACME.with("region", "us")))
        .isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  @Test
  void evaluate_targetedMissingAttribute_doesNotMatch() {
    create(Flag.of("f").withState(FlagState.TARGETED).withScope(Scope.of("region", "eu")));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  @Test
  void evaluate_targetedValues_areCaseSensitive() {
    create(Flag.of("f").withState(FlagState.TARGETED).withScope(Scope.of("plan", "Pro")));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  // ---- rule 7 ---------------------------------------------------------------------------------

  @Test
  void evaluate_rolloutEmptyScope_matchesEverybodyBelowTheBucket() {
    // acme's bucket for salt "f" decides; compute it, then set the percentage on either side of it.
    int bucket = Bucketing.bucket("acme", "f");
    create(Flag.of("f").withState(FlagState.ROLLOUT).withRolloutBasisPoints(bucket + 1));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ROLLOUT_IN));
    admin.update("f", FlagAdmin.ANY_VERSION, f -> f.withRolloutBasisPoints(bucket), null);
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.ROLLOUT_OUT));
  }

  @Test
  void evaluate_rolloutScopeMismatch_isNoMatchEvenAtHundredPercent() {
    create(
        Flag.of("f")
            .withState(FlagState.ROLLOUT)
            .withRolloutPercent("100")
            .withScope(Scope.of("plan", "pro")));
    assertThat(flags.evaluate("f", ACME)).isEqualTo(Evaluation.of(true, Reason.ROLLOUT_IN));
    assertThat(flags.evaluate("f", GLOBEX)).isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
    assertThat(flags.evaluate("f", TenantKey.of("initech")))
        .isEqualTo(Evaluation.of(false, Reason.NO_MATCH));
  }

  @Test
  void evaluate_rolloutZeroPercent_isOutForEverybody() {
    create(Flag.of("f").withState(FlagState.ROLLOUT).withRolloutPercent("0"));
    for (int i = 0; i < 200; i++) {
      assertThat(flags.evaluate("f", TenantKey.of("t" + i)))
          .isEqualTo(Evaluation.of(false, Reason.ROLLOUT_OUT));
    }
  }

  @Test
  void evaluate_rolloutHundredPercent_isInForEverybody() {
    create(Flag.of("f").withState(FlagState.ROLLOUT).withRolloutPercent("100"));
    for (int i = 0; i < 200; i++) {
      assertThat(flags.evaluate("f", TenantKey.of("t" + i)))
          .isEqualTo(Evaluation.of(true, Reason.ROLLOUT_IN));
    }
  }

  @Test
  void evaluate_rolloutSalt_isUsedInsteadOfTheKey() {
    // The SPEC vector: acme with salt new_billing_engine is bucket 4519.
    create(
        Flag.of("billing_v2")
            .withState(FlagState.ROLLOUT)
            .withRolloutSalt("new_billing_engine")
            .withRolloutBasisPoints(4520));
    assertThat(flags.evaluate("billing_v2", TenantKey.of("acme")))
        .isEqualTo(Evaluation.of(true, Reason.ROLLOUT_IN));
    admin.update("billing_v2", FlagAdmin.ANY_VERSION, f -> f.withRolloutBasisPoints(4519), null);
    assertThat(flags.evaluate("billing_v2", TenantKey.of("acme")))
        .isEqualTo(Evaluation.of(false, Reason.ROLLOUT_OUT));
  }

  @Test
  void evaluate_twoFlagsSharingASalt_rollOutToTheSameTenants() {
    create(
        Flag.of("a")
            .withState(FlagState.ROLLOUT)
            .withRolloutSalt("shared")
            .withRolloutPercent("30"));
    create(
        Flag.of("b")
            .withState(FlagState.ROLLOUT)
            .withRolloutSalt("shared")
            .withRolloutPercent("30"));
    int in = 0;
    for (int i = 0; i < 500; i++) {
      TenantKey t = TenantKey.of("tenant-" + i);
      assertThat(flags.isEnabled("a", t)).isEqualTo(flags.isEnabled("b", t));
      in += flags.isEnabled("a", t) ? 1 : 0;
    }
    assertThat(in).isBetween(100, 200);
  }

  // ---- rule 8 ---------------------------------------------------------------------------------

  @Test
  void evaluate_noSnapshotEverLoaded_isErrorAndIsEnabledReturnsTheDefault() {
    dev.tenantflags.spi.FailingFlagStore down =
        new dev.tenantflags.spi.FailingFlagStore(new InMemoryFlagStore());
    down.failing(true);
    try (FeatureFlags cold =
        FeatureFlags.builder()
            .store(down)
            .environment("test")
            .pollInterval(TestFlags.POLL)
            .startupTimeout(java.time.Duration.ZERO)
            .build()) {
      assertThat(cold.evaluate("f", ACME)).isEqualTo(Evaluation.of(false, Reason.ERROR));
      assertThat(cold.isEnabled("f", ACME, true)).isTrue();
      assertThat(cold.isEnabled("f", ACME, false)).isFalse();
      assertThat(cold.isEnabled("f", ACME)).isFalse();
      assertThat(cold.evaluateAll(ACME)).isEmpty();
    }
  }

  @Test
  void evaluate_nullArguments_isErrorNeverAnException() {
    create(Flag.of("f").withState(FlagState.ON));
    assertThat(flags.evaluate(null, ACME)).isEqualTo(Evaluation.of(false, Reason.ERROR));
    assertThat(flags.evaluate("f", null)).isEqualTo(Evaluation.of(false, Reason.ERROR));
    assertThat(flags.isEnabled("f", null, true)).isTrue();
  }

  @Test
  void evaluate_prerequisiteChainDeeperThanTheEvaluatorBound_isErrorNotStackOverflow() {
    // Writes reject chains this deep; a store edited by hand can still hold one.
    int depth = Evaluator.MAX_DEPTH + 2;
    for (int i = 0; i < depth; i++) {
      Flag f = Flag.of("chain" + i).withState(FlagState.ON);
      if (i > 0) {
        f = f.withPrerequisites(List.of("chain" + (i - 1)));
      }
      store.createFlag(
          TestFlags.ENV,
          f.withVersion(1, java.time.Instant.now(), "hand"),
          new AuditEntry(
              0,
              java.time.Instant.now(),
              "hand",
              AuditAction.FLAG_CREATED,
              TestFlags.ENV,
              f.key(),
              null,
              null,
              null,
              null));
    }
    TestFlags.await("the hand-made chain is loaded", () -> flags.flags().size() == depth);
    assertThat(flags.evaluate("chain" + (depth - 1), ACME))
        .isEqualTo(Evaluation.of(false, Reason.ERROR));
    assertThat(flags.isEnabled("chain" + (depth - 1), ACME, true)).isTrue();
    assertThat(flags.evaluate("chain" + (Evaluator.MAX_DEPTH - 1), ACME))
        .isEqualTo(Evaluation.of(true, Reason.ON));
  }

  // ---- evaluateAll ----------------------------------------------------------------------------

  @Test
  void evaluateAll_everyNonArchivedFlag_inKeyOrderWithOverrides() {
    create(Flag.of("c_on").withState(FlagState.ON));
    create(Flag.of("a_off"));
    create(Flag.of("b_targeted").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")));
    create(Flag.of("d_archived").withState(FlagState.ON));
    create(Flag.of("e_overridden").withState(FlagState.ON));
    admin.archive("d_archived", null);
    admin.setOverride("e_overridden", "acme", false, false, null, null);

    Map<String, Boolean> acme = flags.evaluateAll(ACME);
    assertThat(acme)
        .containsExactly(
            Map.entry("a_off", false),
            Map.entry("b_targeted", true),
            Map.entry("c_on", true),
            Map.entry("e_overridden", false));
    assertThat(flags.evaluateAll(GLOBEX))
        .containsExactly(
            Map.entry("a_off", false),
            Map.entry("b_targeted", false),
            Map.entry("c_on", true),
            Map.entry("e_overridden", true));
  }

  @Test
  void evaluateAll_agreesWithEvaluateForEveryFlag() {
    create(Flag.of("module").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")));
    create(Flag.of("dep").withState(FlagState.ON).withPrerequisites(List.of("module")));
    create(Flag.of("roll").withState(FlagState.ROLLOUT).withRolloutPercent("50"));
    admin.setOverride("roll", "globex", true, false, null, null);
    for (TenantKey t :
        List.of(ACME, GLOBEX, TenantKey.of("x"), TenantKey.of("y").with("plan", "pro"))) {
      Map<String, Boolean> all = flags.evaluateAll(t);
      assertThat(all).hasSize(3);
      all.forEach(
          (key, value) ->
              assertThat(flags.isEnabled(key, t)).as(key + " for " + t.id()).isEqualTo(value));
    }
  }

  @Test
  void evaluateAll_nullTenant_throwsNamingTenant() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> flags.evaluateAll(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tenant");
  }
}
