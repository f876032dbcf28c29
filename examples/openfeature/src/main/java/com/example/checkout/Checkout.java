package com.example.checkout;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.util.Map;

/**
 * Business code: it knows OpenFeature only. The tenant is the targeting key; its plan is an
 * attribute that flags can target.
 */
public final class Checkout {

  private final Client flags;

  public Checkout(Client flags) {
    this.flags = flags;
  }

  /** Which checkout flow a tenant gets. */
  public String flowFor(String tenant, String plan) {
    ImmutableContext context = new ImmutableContext(tenant, Map.of("plan", new Value(plan)));
    return flags.getBooleanValue("new_checkout", false, context) ? "one-page" : "classic";
  }
}
