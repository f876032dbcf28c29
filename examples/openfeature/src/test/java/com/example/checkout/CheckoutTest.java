package com.example.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.tenantflags.FeatureFlags;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CheckoutTest {

  private FeatureFlags flags;
  private Client client;

  @BeforeEach
  void start() {
    flags = CheckoutApp.start();
    client = OpenFeatureAPI.getInstance().getClient();
  }

  @AfterEach
  void stop() {
    OpenFeatureAPI.getInstance().shutdown();
    flags.close();
  }

  @Test
  void flow_followsThePlanTargeting() {
    Checkout checkout = new Checkout(client);
    assertThat(checkout.flowFor("acme", "pro")).isEqualTo("one-page");
    assertThat(checkout.flowFor("globex", "free")).isEqualTo("classic");
  }

  @Test
  void details_carryTheReason() {
    FlagEvaluationDetails<Boolean> details =
        client.getBooleanDetails("new_checkout", false, new ImmutableContext("globex"));
    assertThat(details.getValue()).isFalse();
    assertThat(details.getReason()).isEqualTo("DEFAULT");
    assertThat(client.getBooleanDetails("no_such_flag", true, new ImmutableContext("acme")).getErrorCode())
        .hasToString("FLAG_NOT_FOUND");
  }

  @Test
  void operatorOverride_isSeenAtOnce() {
    flags.admin("ops").setOverride("new_checkout", "globex", true, false, null, "beta customer");
    assertThat(new Checkout(client).flowFor("globex", "free")).isEqualTo("one-page");
  }

  @Test
  void killSwitch_isSeenAtOnce_andAnnouncedAsConfigurationChange() throws Exception {
    List<String> changed = new CopyOnWriteArrayList<>();
    client.onProviderConfigurationChanged(e -> changed.addAll(e.getFlagsChanged()));
    flags.admin("ops").kill("new_checkout", "incident");

    assertThat(new Checkout(client).flowFor("acme", "pro")).isEqualTo("classic");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!changed.contains("new_checkout") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(changed).contains("new_checkout");
  }
}
