package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Java example of docs/concepts.md, compiled and run so the page cannot drift from the API. */
final class ConceptsExampleTest {

  @Test
  void conceptsJavaUsage_runsAsDocumented() {
    // Any FlagStore: InMemoryFlagStore for tests, JdbiFlagStore (flags-jdbc) for a database.
    InMemoryFlagStore store = new InMemoryFlagStore();

    try (FeatureFlags flags =
        FeatureFlags.builder()
            .store(store)
            .environment("production")
            .pollInterval(Duration.ofSeconds(1))
            .build()) {

      // Declare the app's flags. A dedicated actor lets ensure() tell its own writes from
      // operators' edits.
      FlagAdmin app = flags.admin("ensure:billing-service");
      app.ensure(Flag.of("new_billing_engine").withModule("fin").withDescription("Ledger v2"));

      // An operator rolls it out to 25 % of pro and enterprise tenants...
      FlagAdmin alice = flags.admin("alice");
      alice.update(
          "new_billing_engine",
          FlagAdmin.ANY_VERSION,
          f ->
              f.withState(FlagState.ROLLOUT)
                  .withRolloutPercent("25")
                  .withScope(Scope.of("plan", "pro", "enterprise")),
          "JIRA-123: start the rollout");
      // ...and always on for one pilot customer.
      alice.setOverride("new_billing_engine", "acme", true, false, "pilot customer", null);

      // Hot path: nanoseconds, never throws.
      TenantKey tenant = TenantKey.of("acme").with("plan", "pro");
      assertThat(flags.isEnabled("new_billing_engine", tenant)).isTrue();
      assertThat(flags.evaluate("new_billing_engine", tenant))
          .isEqualTo(Evaluation.of(true, Reason.OVERRIDE));

      // The restart of the app: the operator's edit is kept.
      assertThat(
              app.ensure(
                  Flag.of("new_billing_engine").withModule("fin").withDescription("Ledger v2")))
          .isEqualTo(EnsureResult.KEPT_OPERATOR_CHANGES);

      // Incident: the kill switch beats every override.
      alice.kill("new_billing_engine", "INC-7: ledger mismatch");
      assertThat(flags.evaluate("new_billing_engine", tenant))
          .isEqualTo(Evaluation.of(false, Reason.OFF));
      assertThat(store.environments()).containsExactly(new Environment("production", true));
    }
  }

  @Test
  void conceptsWorkedExample_bucketAndRolloutBoundary() {
    assertThat(Bucketing.bucket("acme", "new_billing_engine")).isEqualTo(4519);
    try (FeatureFlags flags = TestFlags.client(new InMemoryFlagStore())) {
      FlagAdmin admin = flags.admin("alice");
      admin.create(
          Flag.of("billing")
              .withState(FlagState.ROLLOUT)
              .withRolloutSalt("new_billing_engine")
              .withRolloutPercent("45.19"),
          null);
      assertThat(flags.evaluate("billing", TenantKey.of("acme")))
          .isEqualTo(Evaluation.of(false, Reason.ROLLOUT_OUT));
      admin.update("billing", FlagAdmin.ANY_VERSION, f -> f.withRolloutPercent("45.20"), null);
      assertThat(flags.evaluate("billing", TenantKey.of("acme")))
          .isEqualTo(Evaluation.of(true, Reason.ROLLOUT_IN));
    }
  }
}
