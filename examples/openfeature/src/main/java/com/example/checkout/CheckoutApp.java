package com.example.checkout;

import dev.openfeature.sdk.OpenFeatureAPI;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Scope;
import dev.tenantflags.openfeature.TenantFlagsProvider;

/**
 * Wiring: the one place that names tenantflags. A real application builds its client on its
 * database ({@code JdbiFlagStore.create(dataSource)}) and manages flags in the console; this
 * example declares its one flag in memory so it runs anywhere.
 */
public final class CheckoutApp {

  private CheckoutApp() {}

  /** Registers tenantflags as OpenFeature's provider; returns the client, for operators' changes. */
  public static FeatureFlags start() {
    FeatureFlags flags =
        FeatureFlags.builder().store(new InMemoryFlagStore()).environment("production").build();
    // new_checkout: on for tenants on the "pro" plan.
    flags
        .admin("example")
        .ensure(
            Flag.of("new_checkout")
                .withState(FlagState.TARGETED)
                .withScope(Scope.of("plan", "pro")));
    OpenFeatureAPI.getInstance().setProviderAndWait(TenantFlagsProvider.borrowing(flags));
    return flags;
  }

  public static void main(String[] args) {
    try (FeatureFlags flags = start()) {
      Checkout checkout = new Checkout(OpenFeatureAPI.getInstance().getClient());
      System.out.println("acme (pro):    " + checkout.flowFor("acme", "pro"));
      System.out.println("globex (free): " + checkout.flowFor("globex", "free"));
      OpenFeatureAPI.getInstance().shutdown();
    }
  }
}
