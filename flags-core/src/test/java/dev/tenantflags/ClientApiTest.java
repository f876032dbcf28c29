package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API added with the three-part client: replacements of store(), overloads, tokens. */
final class ClientApiTest {
  private static final String SHA = "a".repeat(64);

  @Test
  void isEnabled_idOnly_answersLikeTheTenantKeyAndRejectsBadIds() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      FlagAdmin admin = flags.admin("ops");
      admin.create(
          Flag.of("allow").withState(FlagState.TARGETED).withScope(Scope.of("tenant", "acme")),
          null);
      admin.create(
          Flag.of("plan").withState(FlagState.TARGETED).withScope(Scope.of("plan", "pro")), null);
      assertThat(flags.isEnabled("allow", "acme")).isTrue();
      assertThat(flags.isEnabled("allow", "globex")).isFalse();
      assertThat(flags.isEnabled("plan", "acme")).isFalse();
      assertThat(flags.isEnabled("allow", (String) null)).isFalse();
      assertThat(flags.isEnabled("allow", "")).isFalse();
      assertThat(flags.isEnabled("allow", "x".repeat(257))).isFalse();
      assertThat(flags.isEnabled(null, "acme")).isFalse();
      assertThat(flags.explain("allow", TenantKey.of("acme")))
          .isEqualTo(Evaluation.of(true, Reason.TARGET_MATCH));
      assertThat(flags.explain("allow", null)).isEqualTo(Evaluation.of(false, Reason.ERROR));
      assertThat(flags.evaluate("allow", null)).isEqualTo(Evaluation.of(false, Reason.ERROR));
    }
  }

  @Test
  void storeReplacements_forEnvironmentAndDescriptionAndAdminReads() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      assertThat(flags.storeDescription()).isEqualTo("InMemoryFlagStore");
      FlagAdmin admin = flags.admin("ops");
      admin.createEnvironment("staging", false, null);
      admin.create(Flag.of("f").withState(FlagState.ON), null);
      admin.setOverride("f", "acme", false, false, null, null);
      assertThat(admin.environments()).extracting(Environment::name).contains("staging");
      assertThat(admin.allOverrides().overrides()).hasSize(1);
      try (FeatureFlags staging = flags.forEnvironment("staging")) {
        assertThat(staging.environment()).isEqualTo("staging");
        assertThat(staging.status().state()).isEqualTo(Status.State.READY);
        assertThat(staging.isEnabled("f", "acme")).isFalse();
        staging.admin("ops").create(Flag.of("g").withState(FlagState.ON), null);
        assertThat(staging.isEnabled("g", "acme")).isTrue();
      }
      assertThat(flags.isEnabled("g", "acme")).isFalse();
      assertThatThrownBy(() -> flags.forEnvironment("Bad!"))
          .isInstanceOf(FlagValidationException.class);
    }
  }

  @Test
  void tokens_createListTouchRevoke_areAuditedInTheAdminsEnvironment() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    try (FeatureFlags flags = TestFlags.client(store)) {
      TokenAdmin admin = flags.admin("root").apiTokens();
      long v0 = admin.version();
      Instant now = Instant.parse("2026-11-30T10:00:00Z");
      AuditEntry created =
          admin.create(new ApiToken("ci-bot", "DEVELOPER", null, SHA, now, "root", null), "ci");
      assertThat(created.action()).isEqualTo(AuditAction.TOKEN_CREATED);
      assertThat(created.environment()).isEqualTo(ENV);
      assertThat(created.after()).contains("ci-bot").doesNotContain(SHA);
      assertThat(admin.version()).isGreaterThan(v0);
      admin.touch(Map.of("ci-bot", now.plusSeconds(60)));
      assertThat(admin.list())
          .singleElement()
          .extracting(ApiToken::lastUsedAt)
          .isEqualTo(now.plusSeconds(60));
      AuditEntry revoked = admin.revoke("ci-bot", null);
      assertThat(revoked.action()).isEqualTo(AuditAction.TOKEN_REVOKED);
      assertThat(revoked.before()).contains("DEVELOPER");
      assertThat(admin.list()).isEmpty();
      assertThatThrownBy(() -> admin.revoke("ci-bot", null))
          .isInstanceOf(FlagNotFoundException.class)
          .hasMessageContaining("ci-bot");
      assertThat(flags.admin("root").audit(new AuditQuery(ENV, null, null, null, null, 10)))
          .extracting(AuditEntry::action)
          .contains(AuditAction.TOKEN_CREATED, AuditAction.TOKEN_REVOKED);
    }
  }

  @Test
  void bootstrapFile_withoutEnvironment_isTheClientsAndAnotherEnvironmentIsRejected(
      @TempDir Path dir) throws Exception {
    Path plain = dir.resolve("plain.json");
    Files.writeString(plain, "[{\"key\":\"f\",\"state\":\"ON\"}]", StandardCharsets.UTF_8);
    InMemoryFlagStore store = new InMemoryFlagStore();
    dev.tenantflags.spi.FailingFlagStore down = new dev.tenantflags.spi.FailingFlagStore(store);
    down.failing(true);
    // bootstrap(Path) before environment(...): the file is still the client's environment.
    try (FeatureFlags flags =
        FeatureFlags.builder()
            .bootstrap(plain)
            .store(down)
            .environment("staging")
            .startupTimeout(Duration.ofMillis(50))
            .build()) {
      assertThat(flags.status().state()).isEqualTo(Status.State.STALE);
      assertThat(flags.isEnabled("f", "acme")).isTrue();
    }
    FlagExport production = new FlagExport("production", 1, List.of(Flag.of("f")), List.of());
    assertThatThrownBy(
            () ->
                FeatureFlags.builder()
                    .store(store)
                    .environment("staging")
                    .bootstrap(production)
                    .build())
        .isInstanceOf(FlagValidationException.class)
        .hasMessageContaining("'production'");
  }

  @Test
  void builder_newSettings_areValidated() {
    assertThatThrownBy(() -> FeatureFlags.builder().storeTimeout(Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("storeTimeout must be at least 10 ms");
    assertThatThrownBy(() -> FeatureFlags.builder().coldLoadTimeout(Duration.ofMillis(-1)))
        .hasMessageStartingWith("coldLoadTimeout must not be negative");
    assertThatThrownBy(() -> FeatureFlags.builder().overrideMemoryLimit(-1))
        .hasMessageStartingWith("overrideMemoryLimit must not be negative");
    assertThatThrownBy(() -> FeatureFlags.builder().usageFlushInterval(Duration.ZERO))
        .hasMessageStartingWith("usageFlushInterval must be at least 10 ms");
    assertThatThrownBy(() -> FeatureFlags.builder().exposureListener(e -> {}, Duration.ZERO))
        .hasMessageStartingWith("window must be at least 1 ms");
    assertThatThrownBy(() -> FeatureFlags.builder().usage(true).usage(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("usage was already set");
  }
}
