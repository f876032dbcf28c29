package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §2 and §4 "bad input": every validation rejects with an exception whose message names the
 * field, and the store is left exactly as it was (same change version, same audit log).
 */
final class FlagAdminValidationTest {
  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;

  @BeforeEach
  void start() {
    store = new InMemoryFlagStore();
    flags = TestFlags.client(store);
    admin = flags.admin("alice");
    admin.create(Flag.of("a").withState(FlagState.ON), null);
    admin.create(Flag.of("b").withPrerequisites(List.of("a")), null);
    admin.create(Flag.of("c").withPrerequisites(List.of("b")), null);
    admin.setOverride("a", "acme", true, true, null, null);
  }

  @AfterEach
  void stop() {
    flags.close();
  }

  /**
   * Runs a call that must be rejected with a validation error naming {@code field}, changing
   * nothing.
   */
  private void rejected(String field, ThrowingCallable call) {
    long version = store.changeVersion(ENV);
    int audit = TestFlags.auditSize(store);
    List<Flag> before = store.loadFlags(ENV).flags();
    assertThatThrownBy(call)
        .isInstanceOf(FlagValidationException.class)
        .hasMessageContaining(field)
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo(field));
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(TestFlags.auditSize(store)).isEqualTo(audit);
    assertThat(store.loadFlags(ENV).flags()).isEqualTo(before);
  }

  private void conflict(
      FlagConflictException.Kind kind, String messagePart, ThrowingCallable call) {
    long version = store.changeVersion(ENV);
    int audit = TestFlags.auditSize(store);
    assertThatThrownBy(call)
        .isInstanceOf(FlagConflictException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((FlagConflictException) e).kind()).isEqualTo(kind));
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(TestFlags.auditSize(store)).isEqualTo(audit);
  }

  // ---- key
  // ----------------------------------------------------------------------------------------

  @Test
  void key_badPatterns_areRejectedNamingKey() {
    for (String bad :
        new String[] {
          "", "Upper", "1starts_with_digit", "_x", "has space", "a/b", "ä", "a".repeat(65)
        }) {
      rejected("key", () -> admin.create(Flag.of(bad), null));
    }
    rejected("key", () -> admin.create(Flag.of(null), null));
    assertThatThrownBy(() -> Flag.of("Bad"))
        .hasMessage("key must match ^[a-z][a-z0-9_.-]{0,63}$: 'Bad'");
  }

  @Test
  void key_longestAndOddButValid_isAccepted() {
    String longest = "a" + "b".repeat(63);
    admin.create(Flag.of(longest), null);
    admin.create(Flag.of("x.y-z_0"), null);
    assertThat(store.loadFlag(ENV, longest)).isPresent();
  }

  @Test
  void key_changedByUpdate_isRejectedNamingKey() {
    rejected("key", () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> Flag.of("z"), null));
  }

  @Test
  void key_unknownOrInvalidOnChange_isNotFoundOrRejected() {
    assertThatThrownBy(() -> admin.kill("nope", null))
        .isInstanceOf(FlagNotFoundException.class)
        .hasMessage("flag 'nope' does not exist");
    rejected("key", () -> admin.kill("NOPE", null));
    rejected("key", () -> admin.setOverride("NOPE", "acme", true, false, null, null));
    assertThatThrownBy(() -> admin.setOverride("nope", "acme", true, false, null, null))
        .isInstanceOf(FlagNotFoundException.class);
    assertThatThrownBy(() -> admin.clearOverride("a", "nobody", null))
        .isInstanceOf(FlagNotFoundException.class)
        .hasMessage("override of flag 'a' for tenant 'nobody' does not exist");
  }

  // ---- description, comment, note, other text
  // ---------------------------------------------------------

  @Test
  void description_over1000Characters_isRejectedNamingDescription() {
    rejected(
        "description",
        () ->
            admin.update(
                "a", FlagAdmin.ANY_VERSION, f -> f.withDescription("d".repeat(1001)), null));
    assertThatThrownBy(() -> Flag.of("x").withDescription("d".repeat(1001)))
        .hasMessage("description must be at most 1000 characters: 1001");
    assertThat(Flag.of("x").withDescription("d".repeat(1000)).description()).hasSize(1000);
  }

  @Test
  void comment_over1000Characters_isRejectedNamingComment() {
    String tooLong = "c".repeat(1001);
    rejected("comment", () -> admin.create(Flag.of("new"), tooLong));
    rejected("comment", () -> admin.kill("a", tooLong));
    rejected("comment", () -> admin.setOverride("a", "globex", true, false, null, tooLong));
    rejected("comment", () -> admin.clearOverride("a", "acme", tooLong));
    rejected("comment", () -> admin.createEnvironment("staging", false, tooLong));
    rejected("comment", () -> admin.deleteEnvironment(ENV, tooLong));
  }

  @Test
  void note_over1000Characters_isRejectedNamingNote() {
    rejected("note", () -> admin.setOverride("a", "globex", true, false, "n".repeat(1001), null));
  }

  @Test
  void moduleTagsSalt_invalid_areRejectedNamingTheField() {
    rejected(
        "module",
        () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withModule("m".repeat(65)), null));
    rejected(
        "tags",
        () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withTags(List.of(" ")), null));
    List<String> tooManyTags = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tooManyTags.add("t" + i);
    }
    rejected(
        "tags", () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withTags(tooManyTags), null));
    rejected(
        "tags",
        () ->
            admin.update(
                "a",
                FlagAdmin.ANY_VERSION,
                f -> f.withTags(java.util.Arrays.asList("ok", null)),
                null));
    rejected(
        "rolloutSalt",
        () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withRolloutSalt(""), null));
    rejected(
        "rolloutSalt",
        () ->
            admin.update(
                "a", FlagAdmin.ANY_VERSION, f -> f.withRolloutSalt("s".repeat(257)), null));
  }

  // ---- percentage
  // ---------------------------------------------------------------------------------

  @Test
  void rolloutPercent_outOfRangeOrTooPrecise_isRejectedNamingRolloutPercent() {
    for (String bad :
        new String[] {"100.001", "100.01", "-1", "-0.01", "12.345", "0.001", "abc", "", "NaN"}) {
      rejected(
          "rolloutPercent",
          () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withRolloutPercent(bad), null));
    }
    rejected(
        "rolloutPercent",
        () ->
            admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withRolloutBasisPoints(10_001), null));
    rejected(
        "rolloutPercent",
        () -> admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withRolloutBasisPoints(-1), null));
    rejected(
        "rolloutPercent",
        () ->
            admin.update(
                "a", FlagAdmin.ANY_VERSION, f -> f.withRolloutPercent((String) null), null));
    assertThatThrownBy(() -> Flag.of("x").withRolloutPercent("100.001"))
        .hasMessage("rolloutPercent must be between 0 and 100: 100.001");
    assertThatThrownBy(() -> Flag.of("x").withRolloutPercent("12.345"))
        .hasMessage("rolloutPercent must have at most 2 decimals: 12.345");
    assertThatThrownBy(() -> Flag.of("x").withRolloutBasisPoints(10_050))
        .hasMessage("rolloutPercent must be between 0 and 100: 100.5");
  }

  @Test
  void rolloutPercent_boundariesAndTrailingZeros_areAccepted() {
    assertThat(Flag.of("x").withRolloutPercent("0").rolloutBasisPoints()).isZero();
    assertThat(Flag.of("x").withRolloutPercent("100").rolloutBasisPoints()).isEqualTo(10_000);
    assertThat(Flag.of("x").withRolloutPercent("99.99").rolloutBasisPoints()).isEqualTo(9_999);
    assertThat(Flag.of("x").withRolloutPercent(" 12.500 ").rolloutBasisPoints()).isEqualTo(1_250);
    assertThat(Flag.of("x").withRolloutPercent(new BigDecimal("1E+1")).rolloutBasisPoints())
        .isEqualTo(1_000);
    assertThat(Flag.of("x").withRolloutBasisPoints(2550).rolloutPercent())
        .isEqualByComparingTo("25.5");
    assertThat(Flag.of("x").withRolloutBasisPoints(2000).rolloutPercent().toPlainString())
        .isEqualTo("20");
    assertThat(Flag.of("x").withRolloutBasisPoints(0).rolloutPercent().toPlainString())
        .isEqualTo("0");
  }

  // ---- prerequisites
  // ------------------------------------------------------------------------------

  @Test
  void prerequisites_unknownFlag_isRejectedNamingPrerequisites() {
    rejected(
        "prerequisites",
        () -> admin.create(Flag.of("new").withPrerequisites(List.of("a", "ghost")), null));
    assertThatThrownBy(() -> admin.create(Flag.of("new").withPrerequisites(List.of("ghost")), null))
        .hasMessage("prerequisites names an unknown flag: 'ghost'");
  }

  @Test
  void prerequisites_selfOrDuplicateOrInvalidKey_isRejected() {
    rejected(
        "prerequisites",
        () ->
            admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withPrerequisites(List.of("a")), null));
    rejected(
        "prerequisites",
        () -> admin.create(Flag.of("new").withPrerequisites(List.of("a", "a")), null));
    rejected(
        "prerequisites",
        () -> admin.create(Flag.of("new").withPrerequisites(List.of("Not A Key")), null));
    rejected(
        "prerequisites",
        () ->
            admin.create(
                Flag.of("new").withPrerequisites(java.util.Arrays.asList("a", null)), null));
  }

  @Test
  void prerequisites_directCycle_isRejected() {
    // b -> a exists; a -> b closes a cycle.
    rejected(
        "prerequisites",
        () ->
            admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withPrerequisites(List.of("b")), null));
    assertThatThrownBy(
            () ->
                admin.update(
                    "a", FlagAdmin.ANY_VERSION, f -> f.withPrerequisites(List.of("b")), null))
        .hasMessage("prerequisites would form a cycle through 'a'");
  }

  @Test
  void prerequisites_indirectCycle_isRejected() {
    // c -> b -> a exists; a -> c closes a cycle of three.
    rejected(
        "prerequisites",
        () ->
            admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withPrerequisites(List.of("c")), null));
  }

  @Test
  void prerequisites_diamond_isNotACycle() {
    admin.create(Flag.of("d").withPrerequisites(List.of("b", "c")), null);
    admin.update("c", FlagAdmin.ANY_VERSION, f -> f.withPrerequisites(List.of("a", "b")), null);
    assertThat(store.loadFlag(ENV, "c").orElseThrow().prerequisites()).containsExactly("a", "b");
  }

  @Test
  void prerequisites_chainLongerThanTheEvaluatorBound_isRejected() {
    // a <- b <- c exist: build on to 32 flags in a chain, the most the evaluator follows.
    String previous = "c";
    for (int i = 4; i <= Evaluator.MAX_DEPTH; i++) {
      admin.create(
          Flag.of("n" + i).withState(FlagState.ON).withPrerequisites(List.of(previous)), null);
      previous = "n" + i;
    }
    String last = previous;
    rejected(
        "prerequisites",
        () -> admin.create(Flag.of("one_too_many").withPrerequisites(List.of(last)), null));
    // Also when the chain grows at its root, under existing dependents.
    admin.create(Flag.of("root"), null);
    rejected(
        "prerequisites",
        () ->
            admin.update(
                "a", FlagAdmin.ANY_VERSION, f -> f.withPrerequisites(List.of("root")), null));
  }

  @Test
  void prerequisites_handEditedCycleElsewhere_neitherBlocksNorHangsWrites() {
    // A store edited by hand (not through FlagAdmin) holds x -> y -> x.
    java.time.Instant now = java.time.Instant.now();
    for (String[] edge : new String[][] {{"x", "y"}, {"y", "x"}}) {
      store.createFlag(
          ENV,
          Flag.of(edge[0])
              .withState(FlagState.ON)
              .withPrerequisites(List.of(edge[1]))
              .withVersion(1, now, "hand"),
          new AuditEntry(
              0, now, "hand", AuditAction.FLAG_CREATED, ENV, edge[0], null, null, null, null));
    }
    admin.create(Flag.of("unrelated").withPrerequisites(List.of("a")), null);
    admin.create(Flag.of("on_top").withPrerequisites(List.of("x")), null);
    assertThat(store.loadFlag(ENV, "on_top")).isPresent();
    // Evaluating into the cycle is bounded: ERROR, not a stack overflow.
    TestFlags.await("hand-made flags loaded", () -> flags.flag("x").isPresent());
    assertThat(flags.evaluate("on_top", TenantKey.of("acme")).reason()).isEqualTo(Reason.OFF);
    assertThat(flags.evaluate("x", TenantKey.of("acme")))
        .isEqualTo(Evaluation.of(false, Reason.ERROR));
  }

  @Test
  void prerequisites_fiftyOne_isRejected() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add("p" + i);
    }
    assertThatThrownBy(() -> Flag.of("x").withPrerequisites(many))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("prerequisites must hold at most 50 keys: 51");
  }

  // ---- scope
  // --------------------------------------------------------------------------------------

  @Test
  void scope_over10000Values_isRejectedNamingScope() {
    Set<String> plans = new TreeSet<>();
    Set<String> tenants = new TreeSet<>();
    for (int i = 0; i < 5_000; i++) {
      plans.add("p" + i);
      tenants.add("t" + i);
    }
    Scope full = new Scope(Map.of("plan", plans, "tenant", tenants));
    assertThat(full.valueCount()).isEqualTo(10_000);
    admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withScope(full), null);
    rejected(
        "scope",
        () ->
            admin.update(
                "a",
                FlagAdmin.ANY_VERSION,
                f -> f.withScope(full.with("region", List.of("eu"))),
                null));
    assertThatThrownBy(() -> full.with("region", List.of("eu")))
        .hasMessage("scope must hold at most 10000 values in all: 10001");
  }

  @Test
  void scope_badAttributeOrValue_isRejectedNamingScope() {
    rejected(
        "scope",
        () ->
            admin.update(
                "a", FlagAdmin.ANY_VERSION, f -> f.withScope(Scope.of("bad name", "x")), null));
    rejected(
        "scope",
        () ->
            admin.update("a", FlagAdmin.ANY_VERSION, f -> f.withScope(Scope.of("plan", "")), null));
    rejected(
        "scope",
        () ->
            admin.update(
                "a",
                FlagAdmin.ANY_VERSION,
                f -> f.withScope(Scope.of("plan", "v".repeat(257))),
                null));
    rejected(
        "scope",
        () ->
            admin.update(
                "a",
                FlagAdmin.ANY_VERSION,
                f -> f.withScope(Scope.of("plan", (String) null)),
                null));
    rejected(
        "scope",
        () ->
            admin.update(
                "a",
                FlagAdmin.ANY_VERSION,
                f -> f.withScope(Scope.EMPTY.with(null, List.of("x"))),
                null));
  }

  // ---- locks and versions
  // ---------------------------------------------------------------------------

  @Test
  void lockedOverride_respectingLocks_isRejectedAsLocked() {
    FlagAdmin limited = admin.respectingLocks();
    conflict(
        FlagConflictException.Kind.LOCKED,
        "locked",
        () -> limited.setOverride("a", "acme", false, false, null, null));
    conflict(
        FlagConflictException.Kind.LOCKED,
        "locked",
        () -> limited.clearOverride("a", "acme", null));
    // Nor may it create a locked override.
    conflict(
        FlagConflictException.Kind.LOCKED,
        "locked",
        () -> limited.setOverride("a", "globex", true, true, null, null));
    assertThat(admin.overrides("a"))
        .singleElement()
        .extracting(TenantOverride::enabled)
        .isEqualTo(true);
    // The unrestricted admin may.
    admin.setOverride("a", "acme", false, false, null, null);
    assertThat(admin.overrides("a"))
        .singleElement()
        .extracting(TenantOverride::locked)
        .isEqualTo(false);
  }

  @Test
  void staleVersion_isRejectedAsStaleVersionNamingTheVersions() {
    admin.update("a", 1, f -> f.withDescription("v2"), null);
    conflict(
        FlagConflictException.Kind.STALE_VERSION,
        "version of flag 'a' is 2, not 1",
        () -> admin.update("a", 1, f -> f.withDescription("lost update"), null));
    assertThat(store.loadFlag(ENV, "a").orElseThrow().description()).isEqualTo("v2");
  }

  @Test
  void staleVersion_raceDetectedByTheStore_isRejected() {
    // The admin reads version 1, then another writer commits before the admin writes.
    int audit = TestFlags.auditSize(store);
    assertThatThrownBy(
            () ->
                admin.update(
                    "a",
                    1,
                    f -> {
                      flags
                          .admin("bob")
                          .update("a", 1, g -> g.withDescription("bob was first"), null);
                      return f.withDescription("alice");
                    },
                    null))
        .isInstanceOf(FlagConflictException.class)
        .hasMessage("version of flag 'a' is 2, not 1")
        .satisfies(
            e ->
                assertThat(((FlagConflictException) e).kind())
                    .isEqualTo(FlagConflictException.Kind.STALE_VERSION));
    // Only bob's change and its audit entry were stored.
    assertThat(store.loadFlag(ENV, "a").orElseThrow().description()).isEqualTo("bob was first");
    assertThat(TestFlags.auditSize(store)).isEqualTo(audit + 1);
  }

  // ---- names
  // --------------------------------------------------------------------------------------

  @Test
  void environmentName_badPattern_isRejectedNamingEnvironment() {
    for (String bad : new String[] {"Prod", "pro duction", "", "x".repeat(33), "a.b"}) {
      rejected("environment", () -> admin.createEnvironment(bad, false, null));
    }
    rejected("environment", () -> admin.deleteEnvironment("Prod", null));
    rejected("environment", () -> admin.createEnvironment(null, false, null));
  }

  @Test
  void tenantId_emptyOrOver256_isRejectedNamingTheField() {
    rejected("tenantId", () -> admin.setOverride("a", "", true, false, null, null));
    rejected("tenantId", () -> admin.setOverride("a", "t".repeat(257), true, false, null, null));
    rejected("tenantId", () -> admin.clearOverride("a", null, null));
    rejected("tenantId", () -> admin.tenantOverrides(""));
    assertThatThrownBy(() -> TenantKey.of(""))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("tenant must not be empty");
    assertThatThrownBy(() -> TenantKey.of("t".repeat(257)))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("tenant must be at most 256 characters: 257");
    assertThat(TenantKey.of("t".repeat(256)).id()).hasSize(256);
    admin.setOverride("a", "t".repeat(256), true, false, null, null);
  }

  @Test
  void nullArguments_areRejectedNamingTheParameter() {
    rejected("flag", () -> admin.create(null, null));
    rejected("flag", () -> admin.ensure(null));
    rejected("change", () -> admin.update("a", 1, null, null));
    rejected("flag", () -> admin.update("a", 1, f -> null, null));
    rejected("state", () -> admin.update("a", 1, f -> f.withState(null), null));
    rejected("scope", () -> admin.update("a", 1, f -> f.withScope(null), null));
  }

  // ---- the JSON import path
  // -------------------------------------------------------------------------

  @Test
  void parse_unknownField_isRejectedNamingIt() {
    assertThatThrownBy(() -> FlagExport.parse("[{\"key\": \"a\", \"colour\": \"red\"}]", ENV))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("unknown field in flags: 'colour'")
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo("colour"));
    assertThatThrownBy(() -> FlagExport.parse("{\"flags\": [], \"extra\": 1}", ENV))
        .hasMessage("unknown field in export: 'extra'");
    assertThatThrownBy(
            () ->
                FlagExport.parse(
                    "{\"overrides\": [{\"flagKey\": \"a\", \"tenantId\": \"t\", \"enabled\": true,"
                        + " \"why\": \"x\"}]}",
                    ENV))
        .hasMessage("unknown field in overrides: 'why'");
  }
}
