package dev.tenantflags.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Status;
import dev.tenantflags.spi.FailingFlagStore;
import dev.tenantflags.spi.FlagStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which beans the starter creates, and that each yields to the application's own. */
final class TenantFlagsAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TenantFlagsAutoConfiguration.class, TenantFlagsActuatorAutoConfiguration.class));

  @Test
  void noDataSourceNoUrl_inMemoryStoreAndClientOfProduction() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(FeatureFlags.class);
          assertThat(context.getBean(FlagStore.class)).isInstanceOf(InMemoryFlagStore.class);
          assertThat(context.getBean(FeatureFlags.class).environment()).isEqualTo("production");
          assertThat(context).hasSingleBean(FlagsEndpoint.class);
          assertThat(context).hasSingleBean(FlagsMeterBinder.class);
          assertThat(context).hasBean("tenantFlagsHealthIndicator");
        });
  }

  @Test
  void disabled_noBeans() {
    runner
        .withPropertyValues("tenantflags.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(FeatureFlags.class);
              assertThat(context).doesNotHaveBean(FlagStore.class);
              assertThat(context).doesNotHaveBean(FlagsEndpoint.class);
            });
  }

  @Test
  void applicationClient_noStoreOfOurs() {
    FeatureFlags own =
        FeatureFlags.builder().store(new InMemoryFlagStore()).environment("own").build();
    runner
        .withBean("myFlags", FeatureFlags.class, () -> own)
        .run(context -> assertThat(context).doesNotHaveBean(FlagStore.class));
    own.close();
  }

  @Test
  void applicationClient_usedInsteadOfOurs() {
    FeatureFlags own =
        FeatureFlags.builder().store(new InMemoryFlagStore()).environment("own").build();
    runner
        .withBean("myFlags", FeatureFlags.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(FeatureFlags.class);
              assertThat(context.getBean(FeatureFlags.class)).isSameAs(own);
              assertThat(context.getBean(FlagsEndpoint.class).flags())
                  .containsEntry("environment", "own");
            });
    own.close();
  }

  @Test
  void applicationStore_usedForTheClient() {
    InMemoryFlagStore store = new InMemoryFlagStore();
    runner
        .withBean(FlagStore.class, () -> store)
        .withPropertyValues("tenantflags.environment=staging")
        .run(
            context -> {
              FeatureFlags flags = context.getBean(FeatureFlags.class);
              assertThat(context.getBean(FlagStore.class)).isSameAs(store);
              flags.admin("test").create(dev.tenantflags.Flag.of("written"), null);
              assertThat(store.loadFlag("staging", "written")).isPresent();
              assertThat(flags.environment()).isEqualTo("staging");
            });
  }

  @Test
  void staleClient_healthDegradedByDefaultAndConfigurable() throws Exception {
    FailingFlagStore store = new FailingFlagStore(new InMemoryFlagStore());
    FeatureFlags flags =
        FeatureFlags.builder()
            .store(store)
            .environment("test")
            .pollInterval(Duration.ofMillis(20))
            .build();
    try {
      store.failing(true);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (flags.status().state() != Status.State.STALE && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Status stale = flags.status();
      assertThat(stale.state()).isEqualTo(Status.State.STALE);
      assertThat(new FlagsHealth(flags, null).status(stale)).isEqualTo("DEGRADED");
      assertThat(new FlagsHealth(flags, "UP").status(stale)).isEqualTo("UP");
      assertThat(new FlagsHealth(flags, null).details(stale)).containsEntry("state", "STALE");
      store.failing(false);
      while (flags.status().state() != Status.State.READY && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(new FlagsHealth(flags, null).status(flags.status())).isEqualTo("UP");
    } finally {
      flags.close();
    }
  }

  @Test
  void roleMapping_unknownRole_rejectedNamingIt() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> new RoleMappingAuthenticator(java.util.Map.of("superuser", "ROOT"), "attr")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("superuser");
  }
}
