package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UnreadableRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4: every override of the environment in memory, kept current from the change feed; and
 * unreadable rows quarantined (last good definition kept, else ERROR), named in status and to
 * listeners.
 */
final class OverrideHoldingTest {
  private static final TenantKey ACME = TenantKey.of("acme");

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<List<UnreadableRow>> reported = new CopyOnWriteArrayList<>();
  private InMemoryFlagStore inner;
  private ScriptedStore store;
  private FeatureFlags flags;
  private FlagAdmin other;

  @BeforeEach
  void start() {
    inner = new InMemoryFlagStore();
    FeatureFlags otherClient = TestFlags.client(inner);
    toClose.add(otherClient);
    other = otherClient.admin("other");
    other.create(Flag.of("billing").withState(FlagState.ON), null);
    other.create(Flag.of("reports").withState(FlagState.ON), null);
    other.setOverride("billing", "acme", false, false, null, null);
    other.setOverride("billing", "globex", false, false, null, null);
    store = new ScriptedStore(inner);
    flags =
        FeatureFlags.builder()
            .store(store)
            .environment(ENV)
            .pollInterval(TestFlags.POLL)
            .startupTimeout(TestFlags.PATIENCE)
            .listener(
                new FeatureFlagsListener() {
                  @Override
                  public void onUnreadableRows(List<UnreadableRow> rows) {
                    reported.add(rows);
                  }
                })
            .build();
    toClose.add(0, flags);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void defaultMode_holdsEveryOverride_unknownTenantsCostNoStoreQuery() {
    Status status = flags.status();
    assertThat(status.overrideMode()).isEqualTo(Status.OverrideMode.ALL_IN_MEMORY);
    assertThat(status.overrideCount()).isEqualTo(2);
    long loads = store.calls("loadTenantOverrides") + store.calls("loadOverrides");
    for (int i = 0; i < 10_000; i++) {
      assertThat(flags.isEnabled("billing", TenantKey.of("flood-" + i))).isTrue();
    }
    // Never seen before, answered from memory with its own override.
    assertThat(flags.evaluate("billing", TenantKey.of("globex")))
        .isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    assertThat(store.calls("loadTenantOverrides") + store.calls("loadOverrides")).isEqualTo(loads);
  }

  @Test
  void changeByAnotherProcess_reloadsOnlyTheNamedTenant() {
    long full = store.calls("loadOverrides");
    long perTenant = store.calls("loadTenantOverrides");
    other.setOverride("billing", "acme", true, false, null, null);
    other.setOverride("reports", "initech", false, false, null, null);
    TestFlags.await(
        "both changes visible",
        () ->
            flags.evaluate("billing", ACME).equals(Evaluation.of(true, Reason.OVERRIDE))
                && !flags.isEnabled("reports", TenantKey.of("initech")));
    assertThat(store.calls("loadOverrides")).isEqualTo(full);
    assertThat(store.calls("loadTenantOverrides") - perTenant).isBetween(2L, 3L);
    other.clearOverride("billing", "acme", null);
    TestFlags.await(
        "clear visible",
        () -> flags.evaluate("billing", ACME).equals(Evaluation.of(true, Reason.ON)));
    assertThat(flags.status().overrideCount()).isEqualTo(2);
  }

  @Test
  void incompleteChangeSet_reloadsEveryOverride() {
    long full = store.calls("loadOverrides");
    store.changeSets = c -> ChangeSet.unknown(c.version());
    other.setOverride("billing", "acme", true, false, null, null);
    TestFlags.await(
        "change visible",
        () -> flags.evaluate("billing", ACME).equals(Evaluation.of(true, Reason.OVERRIDE)));
    assertThat(store.calls("loadOverrides")).isGreaterThan(full);
  }

  @Test
  void unreadableFlagRow_keepsTheLastGoodDefinitionAndIsReported() {
    store.flagSets =
        set -> {
          List<Flag> readable = new ArrayList<>(set.flags());
          readable.removeIf(f -> f.key().equals("reports") || f.key().equals("ghost"));
          return new FlagSet(
              set.version(),
              readable,
              set.flagsWithOverrides(),
              List.of(
                  new UnreadableRow("flag", "reports", null, "scope: malformed json"),
                  new UnreadableRow("flag", "ghost", null, "state: unknown value")));
        };
    other.create(Flag.of("ghost").withState(FlagState.ON), null);
    TestFlags.await("unreadable rows reported", () -> flags.status().unreadable().size() == 2);
    // reports was readable before: its last good definition stays.
    assertThat(flags.evaluate("reports", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
    assertThat(flags.flag("reports")).isPresent();
    // ghost was never readable: the caller's default, reason ERROR.
    assertThat(flags.evaluate("ghost", ACME)).isEqualTo(Evaluation.of(false, Reason.ERROR));
    assertThat(flags.isEnabled("ghost", ACME, true)).isTrue();
    assertThat(flags.flag("ghost")).isEmpty();
    assertThat(flags.evaluateAll(ACME))
        .containsKeys("billing", "reports")
        .doesNotContainKey("ghost");
    assertThat(flags.status().state()).isEqualTo(Status.State.READY);
    assertThat(flags.status().unreadable())
        .extracting(UnreadableRow::flagKey)
        .containsExactlyInAnyOrder("reports", "ghost");
    assertThat(reported).isNotEmpty();
    assertThat(reported.get(reported.size() - 1)).hasSize(2);

    // Repaired: everything readable again, listeners told so.
    store.flagSets = s -> s;
    other.update("reports", FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.OFF), null);
    TestFlags.await("repaired", () -> flags.status().unreadable().isEmpty());
    assertThat(flags.evaluate("ghost", ACME)).isEqualTo(Evaluation.of(true, Reason.ON));
    assertThat(reported.get(reported.size() - 1)).isEmpty();
  }

  @Test
  void unreadableOverrideRow_keepsTheLastGoodValueAndIsReported() {
    store.changeSets = c -> ChangeSet.unknown(c.version());
    store.overrideSets =
        set -> {
          List<TenantOverride> readable = new ArrayList<>(set.overrides());
          readable.removeIf(o -> o.tenantId().equals("acme") || o.tenantId().equals("initech"));
          return new OverrideSet(
              set.version(),
              readable,
              List.of(
                  new UnreadableRow("override", "billing", "acme", "enabled: not a boolean"),
                  new UnreadableRow("override", "billing", "initech", "enabled: not a boolean")));
        };
    other.setOverride("billing", "initech", false, false, null, null);
    TestFlags.await("reported", () -> flags.status().unreadable().size() == 2);
    assertThat(flags.evaluate("billing", ACME)).isEqualTo(Evaluation.of(false, Reason.OVERRIDE));
    // initech's row was never readable: no override.
    assertThat(flags.evaluate("billing", TenantKey.of("initech")))
        .isEqualTo(Evaluation.of(true, Reason.ON));
  }
}
