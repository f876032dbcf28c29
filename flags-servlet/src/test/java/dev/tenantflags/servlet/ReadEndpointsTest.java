package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Scope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shapes of {@code GET /flags/{key}/tenants} and {@code GET /status} (shared contract). */
final class ReadEndpointsTest {

  private static ApiFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture("/api", false, new InMemoryFlagStore());
    fx.server.servlet(fx.servlet().build(), "/api/*").start();
    fx.admin()
        .create(
            Flag.of("half")
                .withState(FlagState.ROLLOUT)
                .withRolloutPercent("50")
                .withScope(Scope.of("tenant", "acme", "initech")),
            null);
    for (int i = 0; i < 40; i++) {
      fx.admin().create(Flag.of("other_" + i), null);
      fx.admin().setOverride("other_" + i, "t" + i, true, false, null, null);
    }
    fx.admin().setOverride("half", "globex", true, true, null, null);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  @Test
  void flagTenants_overridesScopeTenantsAndRolloutEstimate() {
    JsonNode t = fx.call("VIEWER", "GET", "/flags/half/tenants", null).json();

    assertThat(t.path("flag").asText()).isEqualTo("half");
    JsonNode o = t.path("overrides").get(0);
    assertThat(o.path("tenant").asText()).isEqualTo("globex");
    assertThat(o.path("enabled").asBoolean()).isTrue();
    assertThat(o.path("locked").asBoolean()).isTrue();
    List<String> scope = new ArrayList<>();
    t.path("scopeTenants").forEach(s -> scope.add(s.asText()));
    assertThat(scope).containsExactly("acme", "initech");
    JsonNode rollout = t.path("rollout");
    assertThat(rollout.path("percent").decimalValue()).isEqualByComparingTo("50");
    assertThat(rollout.path("knownTenants").asInt()).isEqualTo(41);
    long on = rollout.path("estimatedOn").asLong();
    long expected = 0;
    for (int i = 0; i < 40; i++) {
      expected += fx.flags.isEnabled("half", dev.tenantflags.TenantKey.of("t" + i)) ? 1 : 0;
    }
    assertThat(on).as("the override of globex counts").isEqualTo(expected + 1);
  }

  @Test
  void flagTenants_notRollout_rolloutNull() {
    JsonNode t = fx.call("VIEWER", "GET", "/flags/other_1/tenants", null).json();
    assertThat(t.path("rollout").isNull()).isTrue();
    assertThat(t.path("overrides").size()).isEqualTo(1);
  }

  @Test
  void status_contractShape() {
    JsonNode s = fx.call("VIEWER", "GET", "/status", null).json();
    assertThat(s.path("environment").asText()).isEqualTo(ApiFixture.DEV_ENV);
    assertThat(s.path("state").asText()).isEqualTo("READY");
    assertThat(s.path("lastGoodRefresh").isIntegralNumber()).isTrue();
    assertThat(s.path("changeVersion").isIntegralNumber()).isTrue();
    assertThat(s.path("store").asText()).isEqualTo("InMemoryFlagStore");
    assertThat(s.path("unreadable").isArray()).isTrue();
    assertThat(s.path("overrides").path("count").asLong()).isEqualTo(41);
  }
}
