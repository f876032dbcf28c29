package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scenarios of the seed requirement, through the public client and admin only. */
final class SeedScenariosTest {
  private static final TenantKey ACME = TenantKey.of("acme");

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;

  @BeforeEach
  void start() {
    store = new InMemoryFlagStore();
    flags = TestFlags.client(store);
    admin = flags.admin("ops");
  }

  @AfterEach
  void stop() {
    flags.close();
  }

  @Test
  void isEnabled_noRow_isOff() {
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
    admin.create(Flag.of("kyc_tiers"), null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
  }

  @Test
  void isEnabled_tenantOverrideOn_isOn() {
    admin.create(Flag.of("kyc_tiers").withState(FlagState.TARGETED), null);
    admin.setOverride("kyc_tiers", "acme", true, false, "pilot customer", null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isTrue();
    assertThat(flags.isEnabled("kyc_tiers", TenantKey.of("globex"))).isFalse();
  }

  @Test
  void isEnabled_killSwitch_beatsAnOverride() {
    admin.create(Flag.of("kyc_tiers").withState(FlagState.ON), null);
    admin.setOverride("kyc_tiers", "acme", true, true, null, null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isTrue();
    admin.kill("kyc_tiers", "data leak suspected");
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
  }

  @Test
  void isEnabled_moduleFlagOff_dependentOffEvenWithOverride() {
    admin.create(Flag.of("fin").withModule("fin").withState(FlagState.ON), null);
    admin.create(
        Flag.of("fin.invoices")
            .withModule("fin")
            .withState(FlagState.TARGETED)
            .withPrerequisites(List.of("fin")),
        null);
    admin.setOverride("fin.invoices", "acme", true, false, null, null);
    assertThat(flags.isEnabled("fin.invoices", ACME)).isTrue();

    admin.kill("fin", "module switched off");
    assertThat(flags.isEnabled("fin.invoices", ACME)).isFalse();
    assertThat(flags.evaluate("fin.invoices", ACME).reason()).isEqualTo(Reason.PREREQUISITE_FAILED);
  }

  @Test
  void isEnabled_afterToggle_nextEvaluationSeesIt() {
    admin.create(Flag.of("kyc_tiers"), null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
    admin.update("kyc_tiers", 1, f -> f.withState(FlagState.ON), null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isTrue();
    admin.kill("kyc_tiers", null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
  }

  @Test
  void isEnabled_overrideChangesOfAnAlreadyCachedTenant_nextEvaluationSeesThem() {
    admin.create(Flag.of("kyc_tiers").withState(FlagState.ON), null);
    admin.create(Flag.of("other").withState(FlagState.ON), null);
    admin.setOverride("other", "acme", true, false, null, null);
    // acme's overrides are now cached (it has one); change them repeatedly.
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isTrue();
    admin.setOverride("kyc_tiers", "acme", false, false, null, null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
    admin.setOverride("kyc_tiers", "acme", true, false, null, null);
    assertThat(flags.evaluate("kyc_tiers", ACME)).isEqualTo(Evaluation.of(true, Reason.OVERRIDE));
    admin.setOverride("kyc_tiers", "acme", false, false, null, null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
    admin.clearOverride("kyc_tiers", "acme", null);
    assertThat(flags.evaluate("kyc_tiers", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
  }

  @Test
  void isEnabled_writeByAnotherClient_arrivesWithinThePollInterval() {
    admin.create(Flag.of("kyc_tiers"), null);
    assertThat(flags.isEnabled("kyc_tiers", ACME)).isFalse();
    try (FeatureFlags other = TestFlags.client(store)) {
      other
          .admin("bob")
          .update("kyc_tiers", FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.ON), null);
      other.admin("bob").setOverride("kyc_tiers", "globex", false, false, null, null);
    }
    TestFlags.await("the other client's write arrives", () -> flags.isEnabled("kyc_tiers", ACME));
    TestFlags.await(
        "the other client's override arrives",
        () -> !flags.isEnabled("kyc_tiers", TenantKey.of("globex")));
  }
}
