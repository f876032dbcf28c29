package dev.tenantflags;

import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreContract;

final class InMemoryFlagStoreTest extends FlagStoreContract {
  @java.lang.Override
  protected FlagStore newStore() {
    return new InMemoryFlagStore();
  }
}
