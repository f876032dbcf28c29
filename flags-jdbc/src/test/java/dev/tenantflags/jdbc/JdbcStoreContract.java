package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreContract;
import dev.tenantflags.spi.FlagStoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SPI contract plus what only a SQL store must prove: exact strings, lost updates, atomic
 * audit, the change log. Subclasses give a fresh database per test.
 */
abstract class JdbcStoreContract extends FlagStoreContract {

  /** The JDBC URL of this test's fresh database. */
  protected abstract String url();

  /**
   * SQL that makes inserting an audit row whose comment is {@code boom} fail inside the database.
   */
  protected abstract String auditFailureDdl();

  /** Releases the test's database. */
  protected void dropDatabase() {}

  @Override
  protected FlagStore newStore() {
    return JdbiFlagStore.create(url());
  }

  @AfterEach
  void dropAfterTest() {
    store.close();
    dropDatabase();
  }

  @Override
  protected void damageFlagRow(String environment, String key, FlagDamage damage) {
    String set =
        switch (damage) {
          case MALFORMED_SCOPE_JSON -> "scope = '{\"tenant\": ['";
          case MISTYPED_PREREQUISITES_JSON -> "prerequisites = '{\"a\": 1}'";
          case MALFORMED_TAGS_JSON -> "tags = 'beta, experimental'";
          case NULL_SCOPE -> "scope = 'null'";
          case UNKNOWN_STATE -> "state = 'MAYBE'";
          case OUT_OF_RANGE_ROLLOUT -> "rollout_bp = 20000";
        };
    TestDatabases.execute(
        url(),
        "UPDATE tf_flags SET "
            + set
            + " WHERE environment = '"
            + environment
            + "' AND flag_key = '"
            + key
            + "'");
  }

  @Override
  protected void insertDamagedOverride(String environment, String key, OverrideDamage damage) {
    String flagKey = damage == OverrideDamage.INVALID_FLAG_KEY ? "Not A Key!" : key;
    String tenant = damage == OverrideDamage.EMPTY_TENANT_ID ? "" : "zed";
    TestDatabases.execute(
        url(),
        "INSERT INTO tf_overrides (environment, flag_key, tenant_id, enabled, locked, note,"
            + " updated_at, updated_by) VALUES ('"
            + environment
            + "', '"
            + flagKey
            + "', '"
            + tenant
            + "', TRUE, FALSE, NULL, 0, 'raw sql')");
  }

  @Test
  void loadFlag_unreadableRow_failsNamingTheColumn() {
    create(flag("bad", 1));
    damageFlagRow(ENV, "bad", FlagDamage.MALFORMED_SCOPE_JSON);
    assertThatThrownBy(() -> store.loadFlag(ENV, "bad"))
        .isInstanceOf(FlagStoreException.class)
        .hasMessageContaining("'bad'")
        .hasMessageContaining("column scope");
    assertThat(store.loadFlags(ENV).unreadable())
        .extracting(r -> r.problem())
        .singleElement()
        .asString()
        .contains("column scope")
        .doesNotContain("[");
  }

  @Test
  void tenantIds_differingInTrailingSpace_areDistinct() {
    create(flag("a", 1));
    put("a", "acme", true);
    put("a", "acme ", false);
    put("a", "acme  ", false);
    assertThat(store.loadFlagOverrides(ENV, "a")).hasSize(3);
    assertThat(store.loadTenantOverrides(ENV, "acme"))
        .extracting(TenantOverride::tenantId, TenantOverride::enabled)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("acme", true));
    assertThat(store.loadTenantOverrides(ENV, "acme "))
        .extracting(TenantOverride::tenantId)
        .containsExactly("acme ");
  }

  @Test
  void text_withNul_thatCoreValidationDidNotStop_failsWithAClearStoreErrorOrRoundTrips() {
    create(flag("a", 1));
    // Core validation rejects control characters in every text field; the audit's JSON is the
    // one text that reaches the store unchecked, so it stands in for any residual NUL.
    String after = "{\"note\":\"a\u0000b\"}";
    TenantOverride o = new TenantOverride("a", "acme", true, false, null, now(), "tester");
    long version = store.changeVersion(ENV);
    try {
      store.putOverride(
          ENV,
          o,
          current ->
              new AuditEntry(
                  0,
                  now(),
                  "tester",
                  AuditAction.OVERRIDE_SET,
                  ENV,
                  "a",
                  "acme",
                  null,
                  after,
                  null));
      assertThat(store.audit(AuditQuery.recent(ENV, 1)).get(0).after()).isEqualTo(after);
    } catch (FlagStoreException e) {
      assertThat(e).hasMessageStartingWith("put override failed: ");
      assertThat(e.getMessage()).contains("character the database cannot store");
      assertThat(store.changeVersion(ENV)).isEqualTo(version);
      assertThat(store.loadTenantOverrides(ENV, "acme")).isEmpty();
    }
    // The store is still usable.
    put("a", "globex", true);
    assertThat(store.loadTenantOverrides(ENV, "globex")).hasSize(1);
  }

  private AuditEntry entry(AuditAction action, String key, String tenant, String comment) {
    return new AuditEntry(0, now(), "tester", action, ENV, key, tenant, null, "{}", comment);
  }

  @Test
  void tenantIds_oddCharactersAndMaximumLength_roundTripExactly() {
    create(flag("odd_key.with-all_chars.0123456789", 1));
    create(flag("k" + "x".repeat(63), 1));
    List<String> ids =
        List.of(
            "it's \"quoted\"",
            "100%",
            "a_c",
            "back\\slash",
            "ключ",
            "中文テナント",
            "emoji\ud83d\ude00",
            "e\u0301",
            "\u00e9",
            "t".repeat(256),
            "\u00e9".repeat(256),
            "\ud83d\ude00".repeat(128),
            " lead",
            "%",
            "_");
    for (String id : ids) {
      put("odd_key.with-all_chars.0123456789", id, true);
      put("k" + "x".repeat(63), id, false);
    }
    for (String id : ids) {
      assertThat(store.loadTenantOverrides(ENV, id))
          .as(id)
          .extracting(TenantOverride::tenantId, TenantOverride::flagKey)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(id, "k" + "x".repeat(63)),
              org.assertj.core.groups.Tuple.tuple(id, "odd_key.with-all_chars.0123456789"));
    }
    assertThat(store.loadFlagOverrides(ENV, "odd_key.with-all_chars.0123456789"))
        .extracting(TenantOverride::tenantId)
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(store.audit(new AuditQuery(ENV, null, null, "%", null, 100))).hasSize(2);
    assertThat(store.audit(new AuditQuery(ENV, null, null, "_", null, 100))).hasSize(2);
  }

  @Test
  void tenantIds_differingInCaseOrAccent_areDistinct() {
    create(flag("a", 1));
    put("a", "acme", true);
    put("a", "ACME", false);
    put("a", "acmé", false);
    put("a", "acme\u0301", false);
    assertThat(store.loadFlagOverrides(ENV, "a")).hasSize(4);
    assertThat(store.loadTenantOverrides(ENV, "acme"))
        .extracting(TenantOverride::enabled)
        .containsExactly(true);
    assertThat(store.loadTenantOverrides(ENV, "Acme")).isEmpty();
  }

  @Test
  void flag_oddScopeTagsAndMetadata_roundTripExactly() {
    Instant at = Instant.ofEpochMilli(1_700_000_000_123L);
    String odd = "x'; DROP TABLE tf_flags; --\"%_\\\u00e9\ud83d\ude00";
    Flag f =
        Flag.of("scoped")
            .withState(FlagState.TARGETED)
            .withScope(Scope.of("tenant", odd, "t".repeat(256)).with("plan", List.of("pro")))
            .withTags(Set.of(odd.substring(0, 20), "beta"))
            .withRolloutBasisPoints(1)
            .withVersion(1, at, odd);
    create(f);
    assertThat(store.loadFlag(ENV, "scoped")).contains(f);
    assertThat(store.loadFlag(ENV, "scoped").get().updatedAt()).isEqualTo(at);
  }

  @Test
  void updateFlag_eightThreadsSameExpectedVersion_exactlyOneWinsWithOneAuditEntry()
      throws Exception {
    create(flag("contended", 1));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger stale = new AtomicInteger();
    List<Future<Boolean>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String description = "writer " + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    store.updateFlag(
                        ENV,
                        flag("contended", 2).withDescription(description),
                        1,
                        entry(AuditAction.FLAG_UPDATED, "contended", null, description));
                    return true;
                  } catch (FlagConflictException e) {
                    assertThat(e.kind()).isEqualTo(FlagConflictException.Kind.STALE_VERSION);
                    stale.incrementAndGet();
                    return false;
                  }
                }));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        if (f.get(60, TimeUnit.SECONDS)) {
          wins++;
        }
      }
      assertThat(wins).isEqualTo(1);
      assertThat(stale.get()).isEqualTo(threads - 1);
    } finally {
      pool.shutdownNow();
    }
    List<AuditEntry> updates =
        store.audit(new AuditQuery(ENV, "contended", null, null, null, 100)).stream()
            .filter(e -> e.action() == AuditAction.FLAG_UPDATED)
            .toList();
    assertThat(updates).hasSize(1);
    Flag stored = store.loadFlag(ENV, "contended").orElseThrow();
    assertThat(stored.version()).isEqualTo(2);
    assertThat(stored.description()).isEqualTo(updates.get(0).comment());
  }

  @Test
  void updateFlag_auditInsertFails_leavesFlagVersionAndLogUnchanged() {
    create(flag("guarded", 1));
    put("guarded", "acme", true);
    TestDatabases.execute(url(), auditFailureDdl());
    long version = store.changeVersion(ENV);
    int audits = store.audit(AuditQuery.recent(ENV, 100)).size();

    assertThatThrownBy(
            () ->
                store.updateFlag(
                    ENV,
                    flag("guarded", 2).withState(FlagState.ON),
                    1,
                    entry(AuditAction.FLAG_UPDATED, "guarded", null, "boom")))
        .isInstanceOf(FlagStoreException.class)
        .hasMessageStartingWith("update flag failed")
        .hasMessageNotContaining("boom");
    assertThatThrownBy(
            () ->
                store.putOverride(
                    ENV,
                    new TenantOverride("guarded", "acme", false, false, null, now(), "t"),
                    current -> entry(AuditAction.OVERRIDE_SET, "guarded", "acme", "boom")))
        .isInstanceOf(FlagStoreException.class);

    Flag stored = store.loadFlag(ENV, "guarded").orElseThrow();
    assertThat(stored.state()).isEqualTo(FlagState.OFF);
    assertThat(stored.version()).isEqualTo(1);
    assertThat(store.loadTenantOverrides(ENV, "acme"))
        .extracting(TenantOverride::enabled)
        .containsExactly(true);
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(store.audit(AuditQuery.recent(ENV, 100))).hasSize(audits);
    assertThat(store.changesSince(ENV, version).tenantIds()).isEmpty();

    // The store still works after the rolled-back transactions.
    store.updateFlag(
        ENV,
        flag("guarded", 2).withState(FlagState.ON),
        1,
        entry(AuditAction.FLAG_UPDATED, "guarded", null, "fine"));
    assertThat(store.loadFlag(ENV, "guarded").orElseThrow().state()).isEqualTo(FlagState.ON);
  }

  @Test
  void changesSince_isExactAndCompleteWithinTheLog() {
    create(flag("a", 1));
    long v0 = store.changeVersion(ENV);
    put("a", "acme", true);
    create(flag("b", 1));
    put("b", "globex", true);
    store.deleteOverride(
        ENV, "a", "acme", current -> entry(AuditAction.OVERRIDE_CLEARED, "a", "acme", null));

    ChangeSet changes = store.changesSince(ENV, v0);
    assertThat(changes.complete()).isTrue();
    assertThat(changes.version()).isEqualTo(v0 + 4);
    assertThat(changes.tenantIds()).containsExactlyInAnyOrder("acme", "globex");
    assertThat(store.changesSince(ENV, v0 + 2).tenantIds())
        .containsExactlyInAnyOrder("acme", "globex");
    assertThat(store.changesSince(ENV, v0 + 3).tenantIds()).containsExactly("acme");
  }

  @Test
  void deleteEnvironment_changesSinceBefore_isIncomplete() {
    create(flag("a", 1));
    put("a", "acme", true);
    long before = store.changeVersion(ENV);
    store.deleteEnvironment(
        ENV,
        new AuditEntry(
            0, now(), "t", AuditAction.ENVIRONMENT_DELETED, ENV, null, null, null, null, null));
    ChangeSet changes = store.changesSince(ENV, before);
    assertThat(changes.complete()).isFalse();
    assertThat(changes.version()).isGreaterThan(before);
  }
}
