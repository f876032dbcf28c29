package dev.tenantflags.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.Bucketing;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Reason;
import dev.tenantflags.TenantKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The caches that make the benchmarks fast (remembered buckets, the override fast path) must answer
 * exactly what the uncached rules of SPEC §3 answer, also after changes.
 */
final class HotPathSemanticsTest {

  @Test
  void isEnabled_rolloutRepeatedAcrossSnapshots_matchesBucketing() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    Fixtures.create(store, Fixtures.flag("roll", FlagState.ROLLOUT).withRolloutBasisPoints(2_500));
    try (FeatureFlags flags = Fixtures.client(store)) {
      TenantKey[] tenants = Fixtures.tenants("r", 2_000);
      FlagAdmin admin = flags.admin("test");
      for (int round = 0; round < 3; round++) {
        int basisPoints = 2_500 + round * 1_000;
        for (TenantKey tenant : tenants) {
          boolean expected = Bucketing.bucket(tenant.id(), "roll") < basisPoints;
          assertThat(flags.isEnabled("roll", tenant)).as(tenant.id()).isEqualTo(expected);
          assertThat(flags.isEnabled("roll", tenant))
              .as(tenant.id() + " again")
              .isEqualTo(expected);
        }
        admin.update(
            "roll",
            FlagAdmin.ANY_VERSION,
            f -> f.withRolloutBasisPoints(basisPoints + 1_000),
            null);
      }
    }
  }

  @Test
  void isEnabled_overrideSetChangedCleared_readsEachWrite() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    Fixtures.create(store, Fixtures.flag("feat", FlagState.ON));
    Fixtures.create(store, Fixtures.flag("other", FlagState.OFF));
    try (FeatureFlags flags = Fixtures.client(store)) {
      FlagAdmin admin = flags.admin("test");
      TenantKey acme = TenantKey.of("acme");
      TenantKey globex = TenantKey.of("globex");
      assertThat(flags.evaluate("feat", acme).reason()).isEqualTo(Reason.ON);

      admin.setOverride("feat", "acme", false, false, null, null);
      assertThat(flags.evaluate("feat", acme).reason()).isEqualTo(Reason.OVERRIDE);
      assertThat(flags.isEnabled("feat", acme)).isFalse();
      assertThat(flags.isEnabled("feat", globex)).isTrue();
      // A fresh TenantKey (a different id String instance) finds the cached tenant too.
      assertThat(flags.isEnabled("feat", TenantKey.of(new String("acme")))).isFalse();

      admin.setOverride("feat", "acme", true, false, null, null);
      assertThat(flags.isEnabled("feat", acme)).isTrue();
      assertThat(flags.evaluate("feat", acme).reason()).isEqualTo(Reason.OVERRIDE);

      admin.clearOverride("feat", "acme", null);
      assertThat(flags.evaluate("feat", acme).reason()).isEqualTo(Reason.ON);

      admin.setOverride("feat", "globex", false, false, null, null);
      admin.setOverride("other", "globex", true, false, null, null);
      assertThat(flags.isEnabled("feat", globex)).isFalse();
      assertThat(flags.evaluate("other", globex).reason()).isEqualTo(Reason.OFF);
      assertThat(flags.evaluateAll(globex))
          .containsEntry("feat", false)
          .containsEntry("other", false);
    }
  }

  @Test
  void isEnabled_changeByAnotherClient_seenAfterPoll() throws InterruptedException {
    InMemoryFlagStore store = new InMemoryFlagStore();
    Fixtures.create(store, Fixtures.flag("feat", FlagState.ON));
    try (FeatureFlags reader = Fixtures.client(store, Duration.ofMillis(10));
        FeatureFlags writer = Fixtures.client(store)) {
      TenantKey acme = TenantKey.of("acme");
      assertThat(reader.isEnabled("feat", acme)).isTrue();
      writer.admin("test").setOverride("feat", "acme", false, false, null, null);
      long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (reader.isEnabled("feat", acme) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(reader.evaluate("feat", acme).reason()).isEqualTo(Reason.OVERRIDE);
    }
  }

  @Test
  void isEnabled_manyOverridesOfOneTenant_eachFound() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    for (int i = 0; i < 300; i++) {
      Fixtures.create(store, Fixtures.flag("f" + i, FlagState.ON));
      if (i % 3 != 0) {
        Fixtures.override(store, "f" + i, "acme", i % 2 == 0);
      }
    }
    try (FeatureFlags flags = Fixtures.client(store)) {
      TenantKey acme = TenantKey.of("acme");
      for (int i = 0; i < 300; i++) {
        boolean expected = i % 3 == 0 || i % 2 == 0;
        assertThat(flags.isEnabled(new String("f" + i), acme)).as("f" + i).isEqualTo(expected);
        assertThat(flags.evaluate("f" + i, acme).reason())
            .isEqualTo(i % 3 == 0 ? Reason.ON : Reason.OVERRIDE);
      }
    }
  }

  @Test
  void evaluateAll_mixedFlags_equalsPerFlagEvaluationInKeyOrder() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    for (int i = 0; i < 150; i++) {
      String key = String.format("k%03d", 149 - i);
      FlagState state = FlagState.values()[i % FlagState.values().length];
      int basisPoints = new int[] {0, 5_000, 10_000}[i % 3];
      boolean scoped = i % 4 < 2;
      Fixtures.create(
          store,
          Fixtures.flag(key, state)
              .withRolloutBasisPoints(basisPoints)
              .withScope(
                  scoped
                      ? Fixtures.scope("plan", List.of("plan-0001"))
                      : dev.tenantflags.Scope.EMPTY)
              .withPrerequisites(i % 11 == 1 ? List.of(String.format("k%03d", 150 - i)) : List.of())
              .withArchived(i % 7 == 0));
      if (i % 5 == 0) {
        Fixtures.override(store, key, "r-00001", i % 2 == 0);
      }
    }
    try (FeatureFlags flags = Fixtures.client(store)) {
      for (TenantKey tenant : Fixtures.tenants("r", 3)) {
        Map<String, Boolean> expected = new LinkedHashMap<>();
        flags.flags().stream()
            .filter(f -> !f.archived())
            .map(f -> f.key())
            .sorted()
            .forEach(k -> expected.put(k, flags.isEnabled(k, tenant)));
        Map<String, Boolean> all = flags.evaluateAll(tenant);
        assertThat(all).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(List.copyOf(all.keySet())).containsExactlyElementsOf(expected.keySet());
        assertThat(all.get("k149")).isNull();
        assertThat(all.containsKey("k149")).isFalse();
        assertThat(all.get("nope")).isNull();
        assertThat(all.get(42)).isNull();
        for (Map.Entry<String, Boolean> e : expected.entrySet()) {
          assertThat(all.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThatThrownBy(() -> all.put("k000", true))
            .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> all.entrySet().iterator().remove())
            .isInstanceOf(UnsupportedOperationException.class);
      }
    }
  }

  @Test
  void isEnabled_manySaltsMoreTenantsThanCache_matchesBucketing() throws InterruptedException {
    InMemoryFlagStore store = new InMemoryFlagStore();
    for (int i = 0; i < 12; i++) {
      Fixtures.create(
          store,
          Fixtures.flag("roll" + i, FlagState.ROLLOUT)
              .withRolloutBasisPoints(1_000 + 700 * i)
              .withRolloutSalt(i % 4 == 0 ? "shared" : null));
    }
    try (FeatureFlags flags =
        FeatureFlags.builder().store(store).environment(Fixtures.ENV).tenantCacheSize(10).build()) {
      assertThat(flags.awaitReady(Duration.ofSeconds(5))).isTrue();
      TenantKey[] tenants = Fixtures.tenants("s", 1_500);
      for (int round = 0; round < 2; round++) {
        for (TenantKey tenant : tenants) {
          for (int i = 0; i < 12; i++) {
            String salt = i % 4 == 0 ? "shared" : "roll" + i;
            boolean expected = Bucketing.bucket(tenant.id(), salt) < 1_000 + 700 * i;
            assertThat(flags.isEnabled("roll" + i, tenant))
                .as(tenant.id() + " roll" + i)
                .isEqualTo(expected);
          }
        }
      }
    }
  }
}
