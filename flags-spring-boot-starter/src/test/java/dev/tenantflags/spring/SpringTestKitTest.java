package dev.tenantflags.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.TenantKey;
import dev.tenantflags.test.FlagOn;
import dev.tenantflags.test.FlagVariations;
import dev.tenantflags.test.TenantFlagsContextCustomizerFactory;
import dev.tenantflags.test.TenantFlagsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/** flags-test inside {@code @SpringBootTest}: the starter serves the test's in-memory client. */
@SpringBootTest(
    classes = TestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "tenantflags.filter.routes[/api/reports]=reports"})
@ExtendWith(TenantFlagsExtension.class)
final class SpringTestKitTest {

  @Value("${local.server.port}")
  int port;

  @Autowired FeatureFlags applicationFlags;
  @Autowired ApplicationContext context;

  @Test
  @FlagOn(value = "reports", tenants = "acme")
  void flagOnForTenant_gatedRouteOpenForThatTenantOnly(FeatureFlags flags) {
    assertThat(flags).isSameAs(applicationFlags);
    assertThat(flags.storeDescription()).isEqualTo("InMemoryFlagStore");
    assertThat(context.containsBean(TenantFlagsContextCustomizerFactory.BEAN_NAME)).isTrue();
    Http http = new Http(port);
    assertThat(http.get("/api/reports", "acme").statusCode()).isEqualTo(200);
    assertThat(http.get("/api/reports", "globex").statusCode()).isEqualTo(404);
  }

  @Test
  void noAnnotation_previousTestsFlagsReset(FeatureFlags flags) {
    assertThat(flags.isEnabled("reports", TenantKey.of("acme"))).isFalse();
    assertThat(new Http(port).get("/api/reports", "acme").statusCode()).isEqualTo(404);
  }

  @FlagVariations("reports")
  void variations_routeFollowsTheFlag(FeatureFlags flags) {
    boolean on = flags.isEnabled("reports", TenantKey.of("globex"));
    assertThat(new Http(port).get("/api/reports", "globex").statusCode()).isEqualTo(on ? 200 : 404);
  }
}
