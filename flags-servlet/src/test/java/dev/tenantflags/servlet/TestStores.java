package dev.tenantflags.servlet;

import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.spi.FlagStore;

/**
 * The store every HTTP test of this module runs against. Swapping it is a one-line change: when
 * flags-jdbc lands, return a SQLite {@code JdbiFlagStore} on a temporary file here.
 */
final class TestStores {
  private TestStores() {}

  static FlagStore newStore() {
    return new InMemoryFlagStore();
  }
}
