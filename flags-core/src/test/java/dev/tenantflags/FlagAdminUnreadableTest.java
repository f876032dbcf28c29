package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.UnreadableRow;
import dev.tenantflags.spi.UnreadableRowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FlagAdmin over a stored row the store cannot read (SPEC §4): reads and partial updates name it, a
 * full replacement, archive or kill write over it at the stored version + 1, and ensure leaves it
 * alone.
 */
final class FlagAdminUnreadableTest {
  private InMemoryFlagStore inner;
  private CorruptingStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;

  /** Reports the marked keys' rows as unreadable until they are written again. */
  private static final class CorruptingStore extends ForwardingStore {
    private final Set<String> corrupt = new java.util.concurrent.ConcurrentSkipListSet<>();

    CorruptingStore(InMemoryFlagStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<Flag> loadFlag(String environment, String key) {
      Optional<Flag> flag = super.loadFlag(environment, key);
      if (corrupt.contains(key) && flag.isPresent()) {
        throw new UnreadableRowException(
            new UnreadableRow("flag", key, null, "column scope is not valid JSON"),
            flag.get().version());
      }
      return flag;
    }

    @Override
    public FlagSet loadFlags(String environment) {
      FlagSet set = super.loadFlags(environment);
      List<Flag> readable = new ArrayList<>();
      List<UnreadableRow> unreadable = new ArrayList<>();
      for (Flag f : set.flags()) {
        if (corrupt.contains(f.key())) {
          unreadable.add(
              new UnreadableRow("flag", f.key(), null, "column scope is not valid JSON"));
        } else {
          readable.add(f);
        }
      }
      return new FlagSet(set.version(), readable, set.flagsWithOverrides(), unreadable);
    }

    @Override
    public AuditEntry updateFlag(
        String environment, Flag flag, long expectedVersion, AuditEntry audit) {
      AuditEntry entry = super.updateFlag(environment, flag, expectedVersion, audit);
      corrupt.remove(flag.key());
      return entry;
    }
  }

  @BeforeEach
  void start() {
    inner = new InMemoryFlagStore();
    store = new CorruptingStore(inner);
    flags = TestFlags.client(store);
    admin = flags.admin("alice");
    admin.create(Flag.of("bad").withState(FlagState.ON), null);
    admin.update("bad", 1, f -> f.withDescription("second"), null);
    store.corrupt.add("bad");
  }

  @AfterEach
  void stop() {
    flags.close();
  }

  private AuditEntry lastEntry() {
    return inner.audit(AuditQuery.recent(ENV, 1)).get(0);
  }

  @Test
  void flagAndUpdate_unreadableRow_throwUnreadableRowExceptionWithVersion() {
    assertThatThrownBy(() -> admin.flag("bad"))
        .isInstanceOfSatisfying(
            UnreadableRowException.class,
            e -> {
              assertThat(e.version()).isEqualTo(2);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the stored row of flag 'bad' is unreadable: column scope is not valid JSON");
            });
    assertThatThrownBy(() -> admin.update("bad", 2, f -> f.withState(FlagState.OFF), null))
        .isInstanceOf(UnreadableRowException.class);
    assertThatThrownBy(() -> admin.restore("bad", null)).isInstanceOf(UnreadableRowException.class);
    assertThat(inner.loadFlag(ENV, "bad").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void replace_unreadableRow_storesDefinitionAtStoredVersionPlusOne() {
    Flag stored = admin.replace(Flag.of("bad").withDescription("repaired"), 2, "fix row");
    assertThat(stored.version()).isEqualTo(3);
    assertThat(stored.archived()).isFalse();
    assertThat(admin.flag("bad").orElseThrow().description()).isEqualTo("repaired");
    AuditEntry e = lastEntry();
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_UPDATED);
    assertThat(e.comment()).isEqualTo("fix row");
    assertThat(e.before()).contains("\"unreadable\":true").contains("column scope");
    assertThat(e.after()).contains("repaired");
  }

  @Test
  void replace_unreadableRowWithWrongVersion_isStaleAndStoresNothing() {
    assertThatThrownBy(() -> admin.replace(Flag.of("bad"), 1, null))
        .isInstanceOfSatisfying(
            FlagConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(FlagConflictException.Kind.STALE_VERSION));
    assertThat(inner.loadFlag(ENV, "bad").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void replace_readableFlag_replacesWholeDefinitionKeepingArchived() {
    admin.create(Flag.of("good").withDescription("old").withTags(List.of("a")), null);
    admin.archive("good", null);
    Flag stored =
        admin.replace(Flag.of("good").withState(FlagState.ON), FlagAdmin.ANY_VERSION, null);
    assertThat(stored.version()).isEqualTo(3);
    assertThat(stored.archived()).isTrue();
    assertThat(stored.description()).isEmpty();
    assertThat(stored.tags()).isEmpty();
    assertThat(stored.state()).isEqualTo(FlagState.ON);
  }

  @Test
  void archive_unreadableRow_storesArchivedDefaultFlag() {
    Flag stored = admin.archive("bad", "unreadable");
    assertThat(stored.archived()).isTrue();
    assertThat(stored.version()).isEqualTo(3);
    assertThat(admin.flag("bad").orElseThrow()).isEqualTo(stored);
    assertThat(lastEntry().action()).isEqualTo(AuditAction.FLAG_ARCHIVED);
    assertThat(lastEntry().before()).contains("\"version\":2");
  }

  @Test
  void kill_unreadableRow_storesOffDefaultFlag() {
    Flag stored = admin.kill("bad", null);
    assertThat(stored.state()).isEqualTo(FlagState.OFF);
    assertThat(stored.archived()).isFalse();
    assertThat(stored.version()).isEqualTo(3);
    assertThat(lastEntry().action()).isEqualTo(AuditAction.FLAG_KILLED);
  }

  @Test
  void unreadableFlags_corruptRow_isListedUntilReplaced() {
    assertThat(admin.unreadableFlags()).extracting(UnreadableRow::flagKey).containsExactly("bad");
    admin.replace(Flag.of("bad"), FlagAdmin.ANY_VERSION, null);
    assertThat(admin.unreadableFlags()).isEmpty();
  }

  @Test
  void ensure_unreadableRow_leavesItForAnOperator() {
    assertThat(admin.ensure(Flag.of("bad").withDescription("declared")))
        .isEqualTo(EnsureResult.KEPT_OPERATOR_CHANGES);
    assertThat(inner.loadFlag(ENV, "bad").orElseThrow().version()).isEqualTo(2);
  }
}
