package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreContract;
import dev.tenantflags.spi.UsageBucket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store contract, plus what is particular to the in-memory store. */
final class InMemoryFlagStoreTest extends FlagStoreContract {
  @Override
  protected FlagStore newStore() {
    return new InMemoryFlagStore();
  }

  @Test
  void changesSince_beyondTheChangeLog_isIncompleteSoClientsDropEveryTenant() {
    store.createFlag(ENV, flag("f", 1), audit(AuditAction.FLAG_CREATED, "f", null));
    long start = store.changeVersion(ENV);
    put("f", "first", true);
    // The log remembers the tenants of the last 10,000 changes.
    for (int i = 0; i < 10_000; i++) {
      store.putOverride(
          ENV,
          new TenantOverride("f", "t" + (i % 10), true, false, null, Instant.now(), "tester"),
          current -> audit(AuditAction.OVERRIDE_SET, "f", "t"));
    }
    ChangeSet lost = store.changesSince(ENV, start);
    assertThat(lost.complete()).isFalse();
    assertThat(lost.version()).isEqualTo(store.changeVersion(ENV));
    ChangeSet recent = store.changesSince(ENV, start + 1);
    assertThat(recent.complete()).isTrue();
    assertThat(recent.tenantIds()).hasSize(10).doesNotContain("first");
  }

  @Test
  void loadFlagOverrides_unknownEnvironment_isEmpty() {
    assertThat(store.loadFlagOverrides("nowhere", "f")).isEmpty();
    assertThat(store.loadTenantOverrides("nowhere", "acme")).isEmpty();
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
    assertThat(store.usage(ENV, "f", hour, hour.plusSeconds(7200))).hasSize(2);
    assertThat(store.lastEvaluated(ENV))
        .isEqualTo(Map.of("f", hour.plusSeconds(3700), "g", hour.plusSeconds(5)));
    assertThat(store.lastEvaluated("other")).isEmpty();
  }

  @Test
  void tokens_createTouchRevoke_advanceTheTokenVersion() {
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    ApiToken token = new ApiToken("ci-bot", "DEVELOPER", null, "a".repeat(64), at, "admin", null);
    long v0 = store.tokenVersion();
    store.createToken(token, audit(AuditAction.TOKEN_CREATED, null, null));
    assertThat(store.tokenVersion()).isGreaterThan(v0);
    assertThatThrownBy(() -> store.createToken(token, audit(AuditAction.TOKEN_CREATED, null, null)))
        .isInstanceOf(FlagConflictException.class);

    store.touchTokens(Map.of("ci-bot", at.plusSeconds(60), "ghost", at));
    store.touchTokens(Map.of("ci-bot", at.plusSeconds(30)));
    assertThat(store.tokens()).containsExactly(token.withLastUsedAt(at.plusSeconds(60)));

    long v1 = store.tokenVersion();
    store.revokeToken("ci-bot", audit(AuditAction.TOKEN_REVOKED, null, null));
    assertThat(store.tokenVersion()).isGreaterThan(v1);
    assertThat(store.tokens()).isEmpty();
    assertThatThrownBy(
            () -> store.revokeToken("ci-bot", audit(AuditAction.TOKEN_REVOKED, null, null)))
        .isInstanceOf(FlagNotFoundException.class);
  }
}
