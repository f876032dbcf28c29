package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagStore;
import dev.tenantflags.spi.FlagStoreContract;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The store contract, plus what is particular to the in-memory store. */
final class InMemoryFlagStoreTest extends FlagStoreContract {
  @Override
  protected FlagStore newStore() {
    return new InMemoryFlagStore();
  }

  @Test
  void changesSince_beyondTheChangeLog_isIncompleteSoClientsDropEveryTenant() {
    store.createFlag(ENV, flag("f", 1), audit(AuditAction.FLAG_CREATED, "f", null));
    long start = store.changeVersion(ENV);
    put("f", "first", true);
    // The log remembers the tenants of the last 10,000 changes.
    for (int i = 0; i < 10_000; i++) {
      store.putOverride(
          ENV,
          new TenantOverride("f", "t" + (i % 10), true, false, null, Instant.now(), "tester"),
          current -> audit(AuditAction.OVERRIDE_SET, "f", "t"));
    }
    ChangeSet lost = store.changesSince(ENV, start);
    assertThat(lost.complete()).isFalse();
    assertThat(lost.version()).isEqualTo(store.changeVersion(ENV));
    ChangeSet recent = store.changesSince(ENV, start + 1);
    assertThat(recent.complete()).isTrue();
    assertThat(recent.tenantIds()).hasSize(10).doesNotContain("first");
  }

  @Test
  void loadFlagOverrides_unknownEnvironment_isEmpty() {
    assertThat(store.loadFlagOverrides("nowhere", "f")).isEmpty();
    assertThat(store.loadTenantOverrides("nowhere", "acme")).isEmpty();
  }
}
