package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.FlagStoreException;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The value types: validation in their constructors, derivation, and the small helpers. */
final class ModelTest {

  // ---- Flag
  // ---------------------------------------------------------------------------------------

  @Test
  void flagOf_defaults_areOffEmptyAndUnstored() {
    Flag f = Flag.of("f");
    assertThat(f.state()).isEqualTo(FlagState.OFF);
    assertThat(f.description()).isEmpty();
    assertThat(f.module()).isNull();
    assertThat(f.rolloutBasisPoints()).isZero();
    assertThat(f.effectiveSalt()).isEqualTo("f");
    assertThat(f.scope()).isEqualTo(Scope.EMPTY);
    assertThat(f.prerequisites()).isEmpty();
    assertThat(f.tags()).isEmpty();
    assertThat(f.version()).isZero();
    assertThat(f.updatedAt()).isNull();
    assertThat(f.updatedBy()).isNull();
  }

  @Test
  void flag_nullDescriptionAndBlankModule_normalise() {
    Flag f = Flag.builder("f").description(null).module("  ").state(FlagState.ON).build();
    assertThat(f.description()).isEmpty();
    assertThat(f.module()).isNull();
    assertThat(Flag.of("f").withModule("fin").withModule(null).module()).isNull();
  }

  @Test
  void flag_tagsSortedAndPrerequisitesKeepOrder() {
    Flag f =
        Flag.of("f")
            .withTags(List.of("zeta", "alpha", "alpha"))
            .withPrerequisites(List.of("b", "a"));
    assertThat(f.tags()).containsExactly("alpha", "zeta");
    assertThat(f.prerequisites()).containsExactly("b", "a");
    assertThatThrownBy(() -> f.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> f.prerequisites().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void flag_negativeVersionOrLongUpdatedBy_isRejectedNamingTheField() {
    assertThatThrownBy(() -> Flag.of("f").withVersion(-1, null, null))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("version must not be negative: -1");
    assertThatThrownBy(() -> Flag.of("f").withVersion(1, Instant.now(), "u".repeat(257)))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageStartingWith("updatedBy must be at most 256");
  }

  @Test
  void flag_sameConfiguration_ignoresOnlyVersionAndChangeMetadata() {
    Flag a = Flag.of("f").withState(FlagState.ON).withVersion(1, Instant.EPOCH, "alice");
    Flag b = Flag.of("f").withState(FlagState.ON).withVersion(7, Instant.now(), "bob");
    assertThat(a.sameConfiguration(b)).isTrue();
    assertThat(a.sameConfiguration(b.withTenantEditable(true))).isFalse();
    assertThat(a.sameConfiguration(b.withArchived(true))).isFalse();
  }

  @Test
  void flag_saltAndPercent_roundTrip() {
    Flag f =
        Flag.of("f").withRolloutSalt("shared").withRolloutPercent(new java.math.BigDecimal("0.01"));
    assertThat(f.effectiveSalt()).isEqualTo("shared");
    assertThat(f.rolloutBasisPoints()).isEqualTo(1);
    assertThat(f.withRolloutSalt(null).effectiveSalt()).isEqualTo("f");
    assertThat(Flag.basisPoints(new java.math.BigDecimal("25.50"))).isEqualTo(2550);
    assertThatThrownBy(() -> Flag.basisPoints(null)).hasMessage("rolloutPercent must not be null");
  }

  // ---- Scope
  // --------------------------------------------------------------------------------------

  @Test
  void scope_emptyAxesAreDroppedAndValuesSorted() {
    Scope s = new Scope(Map.of("plan", Set.of("pro", "enterprise"), "region", Set.of()));
    assertThat(s.axes()).containsOnlyKeys("plan");
    assertThat(s.axes().get("plan")).containsExactly("enterprise", "pro");
    assertThat(s.isEmpty()).isFalse();
    assertThat(Scope.EMPTY.isEmpty()).isTrue();
    assertThat(s.with("plan", List.of()).isEmpty()).isTrue();
    assertThatThrownBy(() -> s.axes().put("x", Set.of()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void scopeMatches_everyAxisTenantIsIdMissingAttributeFails() {
    // Scope holds data only; matching is the evaluator's (CompiledFlag), checked here per axis.
    Scope s = Scope.of("plan", "pro").with("tenant", List.of("acme", "globex"));
    CompiledFlag compiled = new CompiledFlag(Flag.of("f").withScope(s), false);
    assertThat(compiled.scopeMatches(TenantKey.of("acme").with("plan", "pro"))).isTrue();
    assertThat(compiled.scopeMatches(TenantKey.of("initech").with("plan", "pro"))).isFalse();
    assertThat(compiled.scopeMatches(TenantKey.of("acme").with("plan", "free"))).isFalse();
    assertThat(compiled.scopeMatches(TenantKey.of("acme"))).isFalse();
  }

  @Test
  void scopeMatches_twoAxes_trueExactlyWhenEveryAxisAccepts() {
    Scope s = Scope.of("plan", "pro", "enterprise").with("region", List.of("eu"));
    CompiledFlag compiled = new CompiledFlag(Flag.of("f").withScope(s), false);
    for (String plan : new String[] {"pro", "enterprise", "free", null}) {
      for (String region : new String[] {"eu", "us", null}) {
        TenantKey t = TenantKey.of("x");
        t = plan == null ? t : t.with("plan", plan);
        t = region == null ? t : t.with("region", region);
        boolean expected =
            s.axes().get("plan").contains(String.valueOf(plan)) && "eu".equals(region);
        assertThat(compiled.scopeMatches(t)).as(plan + "/" + region).isEqualTo(expected);
      }
    }
  }

  @Test
  void scope_nullMap_isRejectedNamingScope() {
    assertThatThrownBy(() -> new Scope(null))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("scope must not be null");
    Map<String, java.util.Set<String>> nullValues = new HashMap<>();
    nullValues.put("plan", null);
    assertThatThrownBy(() -> new Scope(nullValues)).isInstanceOf(FlagValidationException.class);
  }

  // ---- TenantKey
  // -----------------------------------------------------------------------------------

  @Test
  void tenantKey_attributes_areCopiedAndTenantIsTheId() {
    Map<String, String> attributes = new HashMap<>(Map.of("plan", "pro"));
    TenantKey t = new TenantKey("acme", attributes);
    attributes.put("plan", "free");
    assertThat(t.attribute("plan")).isEqualTo("pro");
    assertThat(t.attribute("tenant")).isEqualTo("acme");
    assertThat(t.attribute("region")).isNull();
    assertThat(t.with("plan", "enterprise").attribute("plan")).isEqualTo("enterprise");
    assertThat(t.attribute("plan")).isEqualTo("pro");
  }

  @Test
  void tenantKey_badAttributes_areRejectedNamingAttributes() {
    assertThatThrownBy(() -> TenantKey.of("a").with("tenant", "b"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("attribute 'tenant' is reserved for the tenant id");
    assertThatThrownBy(() -> TenantKey.of("a").with("bad name", "b"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageStartingWith("attribute name must match");
    assertThatThrownBy(() -> TenantKey.of("a").with(null, "b"))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageEndingWith(": null");
    assertThatThrownBy(() -> TenantKey.of("a").with("plan", null))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("attribute 'plan' must not be null");
    Map<String, String> reserved = Map.of("tenant", "x");
    assertThatThrownBy(() -> new TenantKey("a", reserved))
        .satisfies(e -> assertThat(((FlagValidationException) e).field()).isEqualTo("attributes"));
    assertThatThrownBy(() -> new TenantKey("a", null)).hasMessage("attributes must not be null");
    assertThatThrownBy(() -> TenantKey.of(null)).hasMessage("tenant must not be empty");
  }

  // ---- the other records
  // ---------------------------------------------------------------------------

  @Test
  void override_validatesItsFields() {
    assertThat(new TenantOverride("f", "acme", true, false, null, null, null).enabled()).isTrue();
    assertThatThrownBy(() -> new TenantOverride("F", "acme", true, false, null, null, null))
        .hasMessageStartingWith("flagKey must match");
    assertThatThrownBy(() -> new TenantOverride("f", "", true, false, null, null, null))
        .hasMessage("tenantId must not be empty");
    assertThatThrownBy(() -> new TenantOverride("f", "a", true, false, null, null, "u".repeat(257)))
        .hasMessageStartingWith("updatedBy");
  }

  @Test
  void auditEntry_requiresAtActorActionEnvironment() {
    Instant now = Instant.now();
    AuditEntry e =
        new AuditEntry(
            0, now, "alice", AuditAction.FLAG_CREATED, "test", "f", null, null, "{}", null);
    assertThat(e.withId(7).id()).isEqualTo(7);
    assertThat(e.withId(7).actor()).isEqualTo("alice");
    assertThatThrownBy(
            () ->
                new AuditEntry(
                    0, null, "a", AuditAction.FLAG_CREATED, "test", null, null, null, null, null))
        .hasMessage("at must not be null");
    assertThatThrownBy(
            () ->
                new AuditEntry(
                    0, now, " ", AuditAction.FLAG_CREATED, "test", null, null, null, null, null))
        .hasMessage("actor must not be empty");
    assertThatThrownBy(
            () -> new AuditEntry(0, now, "a", null, "test", null, null, null, null, null))
        .hasMessage("action must not be null");
    assertThatThrownBy(
            () ->
                new AuditEntry(
                    0, now, "a", AuditAction.FLAG_CREATED, "Test", null, null, null, null, null))
        .hasMessageStartingWith("environment must match");
  }

  @Test
  void auditQuery_limitRangeAndMatching() {
    assertThatThrownBy(() -> AuditQuery.recent("test", 1001))
        .hasMessage("limit must be between 1 and 1000: 1001");
    AuditEntry e =
        new AuditEntry(
            5,
            Instant.now(),
            "alice",
            AuditAction.OVERRIDE_SET,
            "test",
            "f",
            "acme",
            null,
            null,
            null);
    assertThat(new AuditQuery("test", "f", "alice", "acme", 6L, 1).matches(e)).isTrue();
    assertThat(new AuditQuery("test", "f", "alice", "acme", 5L, 1).matches(e)).isFalse();
    assertThat(new AuditQuery("prod", null, null, null, null, 1).matches(e)).isFalse();
    assertThat(new AuditQuery(null, "g", null, null, null, 1).matches(e)).isFalse();
    assertThat(new AuditQuery(null, null, "bob", null, null, 1).matches(e)).isFalse();
    assertThat(new AuditQuery(null, null, null, "globex", null, 1).matches(e)).isFalse();
  }

  @Test
  void environment_implicitProtectsOnlyProduction() {
    assertThat(Environment.implicit("production").isProtected()).isTrue();
    assertThat(Environment.implicit("staging").isProtected()).isFalse();
    assertThatThrownBy(() -> new Environment("Prod", true))
        .isInstanceOf(FlagValidationException.class);
  }

  @Test
  void evaluation_of_returnsSharedConstants() {
    for (Reason reason : Reason.values()) {
      for (boolean enabled : new boolean[] {false, true}) {
        for (boolean unavailable : new boolean[] {false, true}) {
          Evaluation e = Evaluation.of(enabled, reason, unavailable);
          assertThat(e).isSameAs(Evaluation.of(enabled, reason, unavailable));
          assertThat(e).isEqualTo(new Evaluation(enabled, reason, unavailable));
        }
      }
    }
    assertThat(Evaluation.of(true, Reason.ON)).isSameAs(Evaluation.of(true, Reason.ON, false));
    assertThatThrownBy(() -> new Evaluation(true, null, false))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reason");
  }

  @Test
  void status_requiresAState() {
    assertThatThrownBy(() -> new Status(null, null, -1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("state");
  }

  @Test
  void spiRecords_copyTheirCollections() {
    java.util.ArrayList<Flag> flags = new java.util.ArrayList<>(List.of(Flag.of("a")));
    FlagSet set = new FlagSet(3, flags, Set.of("a"));
    flags.add(Flag.of("b"));
    assertThat(set.flags()).hasSize(1);
    assertThat(ChangeSet.unknown(9)).isEqualTo(new ChangeSet(9, Set.of(), false));
    assertThatThrownBy(() -> new ChangeSet(1, null, true)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void exceptions_carryFieldKindAndCause() {
    IOException cause = new IOException("connection refused");
    FlagStoreException e = new FlagStoreException("cannot reach the database", cause);
    assertThat(e).hasMessage("cannot reach the database").hasCause(cause);
    assertThat(new FlagConflictException(FlagConflictException.Kind.LOCKED, "locked").kind())
        .isEqualTo(FlagConflictException.Kind.LOCKED);
    assertThat(new FlagValidationException("key", "key bad").field()).isEqualTo("key");
    assertThatThrownBy(() -> new FlagValidationException(null, "x"))
        .isInstanceOf(NullPointerException.class);
  }
}
