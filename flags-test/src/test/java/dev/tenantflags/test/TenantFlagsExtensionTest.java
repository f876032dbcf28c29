package dev.tenantflags.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Reason;
import dev.tenantflags.TenantKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

@ExtendWith(TenantFlagsExtension.class)
@FlagOn("class_on")
@FlagOff(value = "class_on", tenants = "initech")
final class TenantFlagsExtensionTest {

  private static final TenantKey ACME = TenantKey.of("acme");
  private static final TenantKey GLOBEX = TenantKey.of("globex");
  private static final TenantKey INITECH = TenantKey.of("initech");

  private FeatureFlags fromBeforeEach;

  @BeforeEach
  void start(FeatureFlags flags) {
    fromBeforeEach = flags;
  }

  @Test
  void isEnabled_classLevelFlagOn_isOnForEveryTenantWithoutOverride(FeatureFlags flags) {
    assertThat(flags.isEnabled("class_on", ACME)).isTrue();
    assertThat(flags.isEnabled("class_on", GLOBEX)).isTrue();
    assertThat(flags.isEnabled("class_on", INITECH)).isFalse();
    assertThat(flags.evaluate("class_on", INITECH).reason()).isEqualTo(Reason.OVERRIDE);
  }

  @Test
  @FlagOff("class_on")
  void isEnabled_methodFlagOffAfterClassFlagOn_isOff(FeatureFlags flags) {
    assertThat(flags.isEnabled("class_on", ACME)).isFalse();
  }

  @Test
  @FlagOn(value = "kyc_tiers", tenants = "acme")
  void isEnabled_perTenantFlagOn_isOnForThatTenantOnly(FeatureFlags flags) {
    assertThat(flags.evaluate("kyc_tiers", ACME).enabled()).isTrue();
    assertThat(flags.evaluate("kyc_tiers", ACME).reason()).isEqualTo(Reason.OVERRIDE);
    assertThat(flags.isEnabled("kyc_tiers", GLOBEX)).isFalse();
  }

  @Test
  @FlagOn("a_flag")
  @FlagOn("b_flag")
  @FlagOff(
      value = "b_flag",
      tenants = {"globex", "initech"})
  void isEnabled_repeatedAnnotations_allApplied(FeatureFlags flags) {
    assertThat(flags.isEnabled("a_flag", GLOBEX)).isTrue();
    assertThat(flags.isEnabled("b_flag", ACME)).isTrue();
    assertThat(flags.isEnabled("b_flag", GLOBEX)).isFalse();
    assertThat(flags.isEnabled("b_flag", INITECH)).isFalse();
  }

  @Test
  void testFlags_fluentChanges_visibleToTheNextEvaluation(FeatureFlags flags, TestFlags test) {
    assertThat(test.client()).isSameAs(flags).isSameAs(fromBeforeEach);
    test.on("fluent").offFor("fluent", "acme");
    assertThat(flags.isEnabled("fluent", GLOBEX)).isTrue();
    assertThat(flags.isEnabled("fluent", ACME)).isFalse();
    test.kill("fluent");
    assertThat(flags.evaluate("fluent", GLOBEX).reason()).isEqualTo(Reason.OFF);
    test.onFor("fluent", "acme");
    assertThat(flags.isEnabled("fluent", ACME)).isTrue();
    assertThat(flags.isEnabled("fluent", GLOBEX)).isFalse();
  }

  @Test
  void testFlags_reset_archivesEverything(TestFlags test) {
    test.on("x_flag").onFor("y_flag", "acme");
    test.reset();
    assertThat(test.client().evaluate("x_flag", ACME).reason()).isEqualTo(Reason.ARCHIVED);
    assertThat(test.client().isEnabled("y_flag", ACME)).isFalse();
    test.on("x_flag");
    assertThat(test.client().isEnabled("x_flag", ACME)).isTrue();
  }

  @Nested
  @FlagOn(value = "nested_flag", tenants = "acme")
  final class Inner {
    @Test
    void isEnabled_enclosingAndNestedAnnotations_bothApplied(FeatureFlags flags) {
      assertThat(flags.isEnabled("class_on", GLOBEX)).isTrue();
      assertThat(flags.isEnabled("nested_flag", ACME)).isTrue();
      assertThat(flags.isEnabled("nested_flag", GLOBEX)).isFalse();
    }
  }

  @Test
  void flagVariations_oneTest_runsOnceOnAndOnceOff() {
    Variations.seen.clear();
    Events tests = run(Variations.class);
    tests.assertStatistics(s -> s.started(2).succeeded(2));
    assertThat(Variations.seen).containsExactly(true, false);
    assertThat(tests.started().list())
        .extracting(e -> e.getTestDescriptor().getDisplayName())
        .containsExactly("beta=on", "beta=off");
  }

  @Test
  void eachTest_getsItsOwnClient_closedAfterwards() {
    OwnClients.clients.clear();
    run(OwnClients.class).assertStatistics(s -> s.succeeded(2));
    assertThat(OwnClients.clients).hasSize(2);
    assertThat(OwnClients.clients.get(0)).isNotSameAs(OwnClients.clients.get(1));
  }

  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(fixture))
        .execute()
        .testEvents();
  }

  /** Run only through {@link #run}; surefire skips nested classes. */
  @ExtendWith(TenantFlagsExtension.class)
  static final class Variations {
    static final List<Boolean> seen = new CopyOnWriteArrayList<>();

    @FlagVariations(value = "beta", tenants = "acme")
    void beta(FeatureFlags flags) {
      seen.add(flags.isEnabled("beta", ACME));
      assertThat(flags.isEnabled("beta", GLOBEX)).isFalse();
    }
  }

  @ExtendWith(TenantFlagsExtension.class)
  static final class OwnClients {
    static final List<FeatureFlags> clients = new ArrayList<>();

    @Test
    @FlagOn("first")
    void first(FeatureFlags flags, TestFlags test) {
      clients.add(flags);
      assertThat(flags.isEnabled("first", ACME)).isTrue();
      test.on("leak");
    }

    @Test
    void second(FeatureFlags flags) {
      clients.add(flags);
      assertThat(flags.isEnabled("first", ACME)).isFalse();
      assertThat(flags.isEnabled("leak", ACME)).isFalse();
    }
  }
}
