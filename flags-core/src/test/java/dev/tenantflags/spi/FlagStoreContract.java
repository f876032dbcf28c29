package dev.tenantflags.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.ApiToken;
import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagNotFoundException;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import dev.tenantflags.TenantOverride;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compatibility kit every {@link FlagStore} must pass. Extend it, implement {@link #newStore()}
 * to return an empty store (a fresh database or schema), and every test here runs against your
 * store.
 *
 * <p>Published in the {@code flags-core} test-jar ({@code <type>test-jar</type>}).
 */
public abstract class FlagStoreContract {

  /** The environment most tests write to. */
  protected static final String ENV = "contract";

  /** The store under test, created before each test. */
  protected FlagStore store;

  /**
   * Returns a new, empty store.
   *
   * @return the store; closed after each test
   */
  protected abstract FlagStore newStore();

  /** Damage a test can do to a stored flag row, bypassing the store (SPEC §4 unreadable rows). */
  protected enum FlagDamage {
    /** {@code scope} is not JSON. */
    MALFORMED_SCOPE_JSON,
    /** {@code prerequisites} is JSON of the wrong shape (an object, not an array). */
    MISTYPED_PREREQUISITES_JSON,
    /** {@code tags} is not JSON. */
    MALFORMED_TAGS_JSON,
    /** {@code scope} holds JSON {@code null}. */
    NULL_SCOPE,
    /** {@code state} is not a known state. */
    UNKNOWN_STATE,
    /** {@code rollout_bp} is beyond 10,000 basis points. */
    OUT_OF_RANGE_ROLLOUT
  }

  /** Damage a test can do to a stored override row. */
  protected enum OverrideDamage {
    /** An override row whose flag key breaks the key rule. */
    INVALID_FLAG_KEY,
    /** An override row whose tenant id is empty. */
    EMPTY_TENANT_ID
  }

  /**
   * Damages a stored flag row behind the store's back. Stores that cannot (in memory) keep the
   * default, which skips the unreadable-row tests.
   *
   * @param environment the environment
   * @param key the flag, already stored
   * @param damage what to break
   */
  protected void damageFlagRow(String environment, String key, FlagDamage damage) {
    Assumptions.abort("this store cannot hold unreadable rows");
  }

  /**
   * Inserts a damaged override row of an existing flag behind the store's back.
   *
   * @param environment the environment
   * @param key a stored flag whose row the damaged override names in its place where possible
   * @param damage what to break
   */
  protected void insertDamagedOverride(String environment, String key, OverrideDamage damage) {
    Assumptions.abort("this store cannot hold unreadable rows");
  }

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A timestamp the store can round-trip exactly (millisecond precision). */
  protected static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  protected static Flag flag(String key, long version) {
    return Flag.of(key).withVersion(version, now(), "tester");
  }

  protected static AuditEntry audit(AuditAction action, String key, String tenant) {
    return new AuditEntry(0, now(), "tester", action, ENV, key, tenant, null, "{}", "why");
  }

  protected AuditEntry create(Flag flag) {
    return store.createFlag(ENV, flag, audit(AuditAction.FLAG_CREATED, flag.key(), null));
  }

  protected AuditEntry put(String key, String tenant, boolean enabled) {
    TenantOverride o = new TenantOverride(key, tenant, enabled, false, null, now(), "tester");
    return store.putOverride(ENV, o, current -> audit(AuditAction.OVERRIDE_SET, key, tenant));
  }

  @Test
  void loadFlags_untouchedEnvironment_isEmptyAtVersionZero() {
    FlagSet set = store.loadFlags("nowhere");
    assertThat(set.flags()).isEmpty();
    assertThat(set.version()).isZero();
    assertThat(store.changeVersion("nowhere")).isZero();
    assertThat(store.loadFlag("nowhere", "a")).isEmpty();
    assertThat(store.loadTenantOverrides("nowhere", "t")).isEmpty();
  }

  @Test
  void createFlag_roundTripsEveryField() {
    Flag flag =
        Flag.of("full.flag-1")
            .withDescription("d\u00e9scription with 'quotes' and \"double\" and %_")
            .withModule("fin")
            .withState(FlagState.ROLLOUT)
            .withRolloutPercent("25.55")
            .withRolloutSalt("shared-salt")
            .withScope(
                Scope.of("plan", "pro", "enterprise").with("tenant", List.of("acme", "ключ")))
            .withTenantEditable(true)
            .withTags(Set.of("beta", "experimental"))
            .withVersion(1, now(), "alice");
    store.createFlag(
        ENV,
        Flag.of("base").withVersion(1, now(), "alice"),
        audit(AuditAction.FLAG_CREATED, "base", null));
    Flag withPrereq = flag.withPrerequisites(List.of("base"));
    create(withPrereq);

    assertThat(store.loadFlag(ENV, "full.flag-1")).contains(withPrereq);
    assertThat(store.loadFlags(ENV).flags())
        .containsExactly(
            Flag.of("base").withVersion(1, store.loadFlag(ENV, "base").get().updatedAt(), "alice"),
            withPrereq);
  }

  @Test
  void createFlag_existingKey_isAlreadyExistsAndChangesNothing() {
    create(flag("a", 1));
    long version = store.changeVersion(ENV);
    int auditSize = store.audit(AuditQuery.recent(ENV, 100)).size();

    assertThatThrownBy(() -> create(flag("a", 1).withDescription("other")))
        .isInstanceOfSatisfying(
            FlagConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(FlagConflictException.Kind.ALREADY_EXISTS));

    assertThat(store.loadFlag(ENV, "a").get().description()).isEmpty();
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(store.audit(AuditQuery.recent(ENV, 100))).hasSize(auditSize);
  }

  @Test
  void updateFlag_expectedVersion_replacesAndBumpsChangeVersion() {
    create(flag("a", 1));
    long before = store.changeVersion(ENV);

    store.updateFlag(
        ENV, flag("a", 2).withState(FlagState.ON), 1, audit(AuditAction.FLAG_UPDATED, "a", null));

    assertThat(store.loadFlag(ENV, "a").get().state()).isEqualTo(FlagState.ON);
    assertThat(store.loadFlag(ENV, "a").get().version()).isEqualTo(2);
    assertThat(store.changeVersion(ENV)).isGreaterThan(before);
  }

  @Test
  void updateFlag_staleVersion_isStaleVersionAndChangesNothing() {
    create(flag("a", 1));
    store.updateFlag(ENV, flag("a", 2), 1, audit(AuditAction.FLAG_UPDATED, "a", null));
    long version = store.changeVersion(ENV);

    assertThatThrownBy(
            () ->
                store.updateFlag(
                    ENV,
                    flag("a", 2).withState(FlagState.ON),
                    1,
                    audit(AuditAction.FLAG_UPDATED, "a", null)))
        .isInstanceOfSatisfying(
            FlagConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(FlagConflictException.Kind.STALE_VERSION));

    assertThat(store.loadFlag(ENV, "a").get().state()).isEqualTo(FlagState.OFF);
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(store.audit(new AuditQuery(ENV, "a", null, null, null, 10))).hasSize(2);
  }

  @Test
  void updateFlag_missingFlag_isNotFound() {
    assertThatThrownBy(
            () ->
                store.updateFlag(
                    ENV, flag("ghost", 2), 1, audit(AuditAction.FLAG_UPDATED, "ghost", null)))
        .isInstanceOf(FlagNotFoundException.class);
    assertThat(store.loadFlag(ENV, "ghost")).isEmpty();
  }

  @Test
  void overrides_putReplaceDelete_readableByTenantAndByFlag() {
    create(flag("a", 1));
    create(flag("b", 1));
    put("a", "acme", true);
    put("b", "acme", false);
    put("a", "globex", false);
    put("a", "acme", false);

    assertThat(store.loadTenantOverrides(ENV, "acme"))
        .extracting(TenantOverride::flagKey, TenantOverride::enabled)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", false),
            org.assertj.core.groups.Tuple.tuple("b", false));
    assertThat(store.loadFlagOverrides(ENV, "a"))
        .extracting(TenantOverride::tenantId)
        .containsExactly("acme", "globex");
    assertThat(store.loadFlags(ENV).flagsWithOverrides()).containsExactlyInAnyOrder("a", "b");

    store.deleteOverride(
        ENV, "b", "acme", current -> audit(AuditAction.OVERRIDE_CLEARED, "b", "acme"));

    assertThat(store.loadTenantOverrides(ENV, "acme"))
        .extracting(TenantOverride::flagKey)
        .containsExactly("a");
    assertThat(store.loadFlags(ENV).flagsWithOverrides()).containsExactly("a");
  }

  @Test
  void putOverride_unknownFlag_isNotFound() {
    assertThatThrownBy(() -> put("ghost", "acme", true)).isInstanceOf(FlagNotFoundException.class);
    assertThat(store.loadTenantOverrides(ENV, "acme")).isEmpty();
  }

  @Test
  void deleteOverride_missing_isNotFound() {
    create(flag("a", 1));
    assertThatThrownBy(
            () ->
                store.deleteOverride(
                    ENV,
                    "a",
                    "nobody",
                    current -> audit(AuditAction.OVERRIDE_CLEARED, "a", "nobody")))
        .isInstanceOf(FlagNotFoundException.class);
  }

  @Test
  void override_roundTripsLockedNoteAndMetadata() {
    create(flag("a", 1));
    Instant at = now();
    TenantOverride o = new TenantOverride("a", "acme", true, true, "contract says so", at, "bob");
    store.putOverride(ENV, o, current -> audit(AuditAction.OVERRIDE_SET, "a", "acme"));
    assertThat(store.loadTenantOverrides(ENV, "acme")).containsExactly(o);
  }

  @Test
  void tenantIds_areExact_notPatterns() {
    create(flag("a", 1));
    put("a", "ac%", true);
    put("a", "a_me", true);
    assertThat(store.loadTenantOverrides(ENV, "acme")).isEmpty();
    assertThat(store.loadTenantOverrides(ENV, "ACME")).isEmpty();
    assertThat(store.loadTenantOverrides(ENV, "ac%")).hasSize(1);
  }

  @Test
  void oddStrings_roundTripExactly() {
    String odd = "x'; DROP TABLE flags; --\"%_\u00e9\u4e2d\ud83d\ude00";
    String longId = "t".repeat(256);
    create(flag("odd", 1).withDescription(odd));
    put("odd", odd, true);
    put("odd", longId, false);
    assertThat(store.loadFlag(ENV, "odd").get().description()).isEqualTo(odd);
    assertThat(store.loadTenantOverrides(ENV, odd))
        .extracting(TenantOverride::tenantId)
        .containsExactly(odd);
    assertThat(store.loadTenantOverrides(ENV, longId))
        .extracting(TenantOverride::tenantId)
        .containsExactly(longId);
  }

  @Test
  void environments_areIsolated() {
    create(flag("a", 1));
    assertThat(store.loadFlag("other", "a")).isEmpty();
    store.createFlag(
        "other", flag("a", 1).withState(FlagState.ON), audit(AuditAction.FLAG_CREATED, "a", null));
    assertThat(store.loadFlag(ENV, "a").get().state()).isEqualTo(FlagState.OFF);
    assertThat(store.loadFlag("other", "a").get().state()).isEqualTo(FlagState.ON);
  }

  @Test
  void firstWrite_createsEnvironmentImplicitly_productionProtected() {
    store.createFlag("production", flag("a", 1), audit(AuditAction.FLAG_CREATED, "a", null));
    store.createFlag("staging", flag("a", 1), audit(AuditAction.FLAG_CREATED, "a", null));
    assertThat(store.environments())
        .contains(new Environment("production", true), new Environment("staging", false));
  }

  @Test
  void createEnvironment_thenDuplicate_isAlreadyExists() {
    AuditEntry entry =
        new AuditEntry(
            0,
            now(),
            "tester",
            AuditAction.ENVIRONMENT_CREATED,
            "qa",
            null,
            null,
            null,
            "{}",
            null);
    store.createEnvironment(new Environment("qa", true), entry);
    assertThat(store.environments()).contains(new Environment("qa", true));
    assertThatThrownBy(() -> store.createEnvironment(new Environment("qa", false), entry))
        .isInstanceOf(FlagConflictException.class);
    assertThat(store.environments()).contains(new Environment("qa", true));
  }

  @Test
  void deleteEnvironment_removesFlagsKeepsAuditAndVersionKeepsRising() {
    create(flag("a", 1));
    put("a", "acme", true);
    long before = store.changeVersion(ENV);

    store.deleteEnvironment(
        ENV,
        new AuditEntry(
            0,
            now(),
            "tester",
            AuditAction.ENVIRONMENT_DELETED,
            ENV,
            null,
            null,
            "{}",
            null,
            null));

    assertThat(store.environments()).extracting(Environment::name).doesNotContain(ENV);
    assertThat(store.loadFlags(ENV).flags()).isEmpty();
    assertThat(store.loadTenantOverrides(ENV, "acme")).isEmpty();
    assertThat(store.changeVersion(ENV)).isGreaterThanOrEqualTo(before);
    assertThat(store.audit(AuditQuery.recent(ENV, 10)))
        .extracting(AuditEntry::action)
        .contains(
            AuditAction.ENVIRONMENT_DELETED, AuditAction.OVERRIDE_SET, AuditAction.FLAG_CREATED);

    create(flag("a", 1));
    assertThat(store.changeVersion(ENV)).isGreaterThan(before);
  }

  @Test
  void deleteEnvironment_missing_isNotFound() {
    assertThatThrownBy(
            () ->
                store.deleteEnvironment(
                    "ghost",
                    new AuditEntry(
                        0,
                        now(),
                        "tester",
                        AuditAction.ENVIRONMENT_DELETED,
                        "ghost",
                        null,
                        null,
                        null,
                        null,
                        null)))
        .isInstanceOf(FlagNotFoundException.class);
  }

  @Test
  void audit_assignsIncreasingIds_newestFirst_andFilters() {
    AuditEntry first = create(flag("a", 1));
    AuditEntry second = put("a", "acme", true);
    AuditEntry third = create(flag("b", 1));
    assertThat(first.id()).isPositive();
    assertThat(second.id()).isGreaterThan(first.id());
    assertThat(third.id()).isGreaterThan(second.id());

    List<AuditEntry> all = store.audit(AuditQuery.recent(ENV, 10));
    assertThat(all).extracting(AuditEntry::id).containsExactly(third.id(), second.id(), first.id());
    AuditEntry stored = all.get(1);
    assertThat(stored.action()).isEqualTo(AuditAction.OVERRIDE_SET);
    assertThat(stored.actor()).isEqualTo("tester");
    assertThat(stored.flagKey()).isEqualTo("a");
    assertThat(stored.tenantId()).isEqualTo("acme");
    assertThat(stored.after()).isEqualTo("{}");
    assertThat(stored.before()).isNull();
    assertThat(stored.comment()).isEqualTo("why");

    assertThat(store.audit(new AuditQuery(ENV, "a", null, null, null, 10))).hasSize(2);
    assertThat(store.audit(new AuditQuery(ENV, null, null, "acme", null, 10)))
        .containsExactly(stored);
    assertThat(store.audit(new AuditQuery(ENV, null, "nobody", null, null, 10))).isEmpty();
    assertThat(store.audit(new AuditQuery(ENV, null, null, null, third.id(), 10)))
        .extracting(AuditEntry::id)
        .containsExactly(second.id(), first.id());
    assertThat(store.audit(AuditQuery.recent(ENV, 1)))
        .extracting(AuditEntry::id)
        .containsExactly(third.id());
    assertThat(store.audit(AuditQuery.recent("elsewhere", 10))).isEmpty();
  }

  @Test
  void changesSince_namesTenantsWhoseOverridesChanged() {
    create(flag("a", 1));
    long v0 = store.changeVersion(ENV);
    put("a", "acme", true);
    long v1 = store.changeVersion(ENV);
    put("a", "globex", true);
    store.updateFlag(ENV, flag("a", 2), 1, audit(AuditAction.FLAG_UPDATED, "a", null));
    long v3 = store.changeVersion(ENV);

    ChangeSet all = store.changesSince(ENV, v0);
    assertThat(all.version()).isGreaterThanOrEqualTo(v3);
    if (all.complete()) {
      assertThat(all.tenantIds()).contains("acme", "globex");
    }
    ChangeSet later = store.changesSince(ENV, v1);
    if (later.complete()) {
      assertThat(later.tenantIds()).contains("globex");
    }
    assertThat(store.changesSince(ENV, v3).tenantIds()).isEmpty();
  }

  @Test
  void changeVersion_neverDecreases_acrossWrites() {
    long last = store.changeVersion(ENV);
    create(flag("a", 1));
    for (int i = 0; i < 10; i++) {
      put("a", "t" + i, i % 2 == 0);
      long v = store.changeVersion(ENV);
      assertThat(v).isGreaterThan(last);
      last = v;
    }
    assertThat(store.loadFlags(ENV).version()).isEqualTo(last);
  }

  @Test
  void loadOverrides_returnsEveryOverrideWithTheVersionAndCount() {
    create(flag("a", 1));
    create(flag("b", 1));
    put("a", "acme", true);
    put("b", "acme", false);
    put("a", "globex", false);

    OverrideSet all = store.loadOverrides(ENV);

    assertThat(all.version()).isEqualTo(store.changeVersion(ENV));
    assertThat(all.overrides())
        .extracting(o -> o.flagKey() + "/" + o.tenantId() + "=" + o.enabled())
        .containsExactly("a/acme=true", "a/globex=false", "b/acme=false");
    assertThat(all.unreadable()).isEmpty();
    assertThat(store.overrideCount(ENV)).isEqualTo(3);
    assertThat(store.overrideCount("nowhere")).isZero();
    assertThat(store.loadOverrides("nowhere").overrides()).isEmpty();
  }

  @Test
  void putOverride_auditForSeesTheStoredOverrideAndCanAbort() {
    create(flag("a", 1));
    TenantOverride locked = new TenantOverride("a", "acme", true, true, "pinned", now(), "admin");
    store.putOverride(
        ENV,
        locked,
        current -> {
          assertThat(current).isEmpty();
          return audit(AuditAction.OVERRIDE_SET, "a", "acme");
        });
    long version = store.changeVersion(ENV);
    long audits = store.audit(AuditQuery.recent(ENV, 100)).size();

    TenantOverride next = new TenantOverride("a", "acme", false, false, null, now(), "dev");
    assertThatThrownBy(
            () ->
                store.putOverride(
                    ENV,
                    next,
                    current -> {
                      assertThat(current).contains(locked);
                      throw new IllegalStateException("locked");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                store.deleteOverride(
                    ENV,
                    "a",
                    "acme",
                    current -> {
                      assertThat(current).isEqualTo(locked);
                      throw new IllegalStateException("locked");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(store.loadTenantOverrides(ENV, "acme")).containsExactly(locked);
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(store.audit(AuditQuery.recent(ENV, 100))).hasSize((int) audits);
  }

  @ParameterizedTest
  @EnumSource(FlagDamage.class)
  void loadFlags_oneUnreadableRow_isReportedAndTheOthersLoad(FlagDamage damage) {
    create(flag("good", 1).withState(FlagState.ON));
    create(flag("bad", 1));
    damageFlagRow(ENV, "bad", damage);
    create(flag("later", 1));

    FlagSet set = store.loadFlags(ENV);

    assertThat(set.flags()).extracting(Flag::key).containsExactly("good", "later");
    assertThat(set.unreadable()).hasSize(1);
    UnreadableRow row = set.unreadable().get(0);
    assertThat(row.kind()).isEqualTo("flag");
    assertThat(row.flagKey()).isEqualTo("bad");
    assertThat(row.tenantId()).isNull();
    assertThat(row.problem()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(FlagDamage.class)
  void updateFlag_overAnUnreadableRow_replacesIt(FlagDamage damage) {
    create(flag("bad", 1));
    damageFlagRow(ENV, "bad", damage);

    store.updateFlag(
        ENV,
        flag("bad", 2).withState(FlagState.ON),
        1,
        audit(AuditAction.FLAG_UPDATED, "bad", null));

    FlagSet set = store.loadFlags(ENV);
    assertThat(set.unreadable()).isEmpty();
    assertThat(set.flags())
        .extracting(Flag::key, Flag::state, Flag::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bad", FlagState.ON, 2L));
    assertThat(store.loadFlag(ENV, "bad").orElseThrow().state()).isEqualTo(FlagState.ON);
  }

  @ParameterizedTest
  @EnumSource(OverrideDamage.class)
  void loadOverrides_oneUnreadableRow_isReportedAndTheOthersLoad(OverrideDamage damage) {
    create(flag("a", 1));
    put("a", "acme", true);
    insertDamagedOverride(ENV, "a", damage);
    put("a", "globex", false);

    OverrideSet set = store.loadOverrides(ENV);

    assertThat(set.overrides())
        .extracting(TenantOverride::tenantId)
        .containsExactly("acme", "globex");
    assertThat(set.unreadable()).hasSize(1);
    assertThat(set.unreadable().get(0).kind()).isEqualTo("override");
    assertThat(set.unreadable().get(0).problem()).isNotBlank();
    assertThat(store.loadTenantOverrides(ENV, "acme")).hasSize(1);
    assertThat(store.loadFlagOverrides(ENV, "a"))
        .extracting(TenantOverride::tenantId)
        .containsExactly("acme", "globex");
    assertThat(store.loadFlags(ENV).flags()).extracting(Flag::key).containsExactly("a");
  }

  @Test
  void addUsage_sameHour_addsUpAndKeepsTheLatestEvaluation() {
    Instant hour = Instant.parse("2026-11-30T10:00:00Z");
    store.addUsage(
        List.of(
            new UsageBucket(ENV, "f", hour, 3, 1, 0, hour.plusSeconds(10)),
            new UsageBucket(ENV, "g", hour, 1, 0, 0, hour.plusSeconds(5))));
    store.addUsage(List.of(new UsageBucket(ENV, "f", hour, 2, 2, 1, hour.plusSeconds(7))));
    store.addUsage(
        List.of(
            new UsageBucket(ENV, "f", hour.plusSeconds(3600), 1, 0, 0, hour.plusSeconds(3700))));

    assertThat(store.usage(ENV, "f", hour, hour.plusSeconds(3600)))
        .containsExactly(new UsageBucket(ENV, "f", hour, 5, 3, 1, hour.plusSeconds(10)));
    assertThat(store.usage(ENV, "f", hour, hour.plusSeconds(7200)))
        .extracting(UsageBucket::hour)
        .containsExactly(hour, hour.plusSeconds(3600));
    assertThat(store.lastEvaluated(ENV))
        .isEqualTo(Map.of("f", hour.plusSeconds(3700), "g", hour.plusSeconds(5)));
    assertThat(store.lastEvaluated("other")).isEmpty();
    assertThat(store.usage("other", "f", hour, hour.plusSeconds(7200))).isEmpty();
  }

  @Test
  void addUsage_refusalsOnly_countWithoutAnEvaluationTime() {
    Instant hour = Instant.parse("2026-11-30T11:00:00Z");
    store.addUsage(List.of(new UsageBucket(ENV, "f", hour, 0, 0, 4, null)));
    store.addUsage(List.of(new UsageBucket(ENV, "f", hour, 0, 0, 1, null)));
    assertThat(store.usage(ENV, "f", hour, hour.plusSeconds(3600)))
        .containsExactly(new UsageBucket(ENV, "f", hour, 0, 0, 5, null));
    assertThat(store.lastEvaluated(ENV)).isEmpty();
    store.addUsage(List.of(new UsageBucket(ENV, "f", hour, 1, 0, 0, hour.plusSeconds(1))));
    assertThat(store.lastEvaluated(ENV)).isEqualTo(Map.of("f", hour.plusSeconds(1)));
  }

  @Test
  void tokens_createTouchRevoke_advanceTheTokenVersionAndAreAudited() {
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    ApiToken token = new ApiToken("ci-bot", "DEVELOPER", null, "a".repeat(64), at, "admin", null);
    ApiToken tenantAdmin =
        new ApiToken("acme-admin", "TENANT_ADMIN", "acme", "b".repeat(64), at, "admin", null);
    long v0 = store.tokenVersion();
    AuditEntry created = store.createToken(token, audit(AuditAction.TOKEN_CREATED, null, null));
    store.createToken(tenantAdmin, audit(AuditAction.TOKEN_CREATED, null, null));
    assertThat(created.id()).isPositive();
    assertThat(store.tokenVersion()).isGreaterThan(v0);
    long afterCreate = store.tokenVersion();
    assertThatThrownBy(() -> store.createToken(token, audit(AuditAction.TOKEN_CREATED, null, null)))
        .isInstanceOfSatisfying(
            FlagConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(FlagConflictException.Kind.ALREADY_EXISTS));
    assertThat(store.tokenVersion()).isEqualTo(afterCreate);

    store.touchTokens(Map.of("ci-bot", at.plusSeconds(60), "ghost", at));
    store.touchTokens(Map.of("ci-bot", at.plusSeconds(30)));
    assertThat(store.tokens())
        .containsExactly(tenantAdmin, token.withLastUsedAt(at.plusSeconds(60)));
    assertThat(store.tokenVersion()).isEqualTo(afterCreate);

    store.revokeToken("ci-bot", audit(AuditAction.TOKEN_REVOKED, null, null));
    assertThat(store.tokenVersion()).isGreaterThan(afterCreate);
    assertThat(store.tokens()).containsExactly(tenantAdmin);
    long afterRevoke = store.tokenVersion();
    assertThatThrownBy(
            () -> store.revokeToken("ci-bot", audit(AuditAction.TOKEN_REVOKED, null, null)))
        .isInstanceOf(FlagNotFoundException.class);
    assertThat(store.tokenVersion()).isEqualTo(afterRevoke);
    assertThat(store.audit(AuditQuery.recent(ENV, 10)))
        .extracting(AuditEntry::action)
        .containsExactly(
            AuditAction.TOKEN_REVOKED, AuditAction.TOKEN_CREATED, AuditAction.TOKEN_CREATED);
  }
}
