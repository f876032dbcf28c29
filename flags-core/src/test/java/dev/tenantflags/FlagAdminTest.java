package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FlagAdmin's accepted changes: one audit entry each, ensure(), export, history and audit queries.
 */
final class FlagAdminTest {
  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private FlagAdmin admin;

  @BeforeEach
  void start() {
    store = new InMemoryFlagStore();
    flags = TestFlags.client(store);
    admin = flags.admin("alice");
  }

  @AfterEach
  void stop() {
    flags.close();
  }

  /** The single audit entry the last call wrote, checking that it wrote exactly one. */
  private AuditEntry onlyNewEntry(int sizeBefore) {
    assertThat(TestFlags.auditSize(store)).isEqualTo(sizeBefore + 1);
    return store.audit(new AuditQuery(null, null, null, null, null, 1)).get(0);
  }

  private static Map<String, Object> json(String text) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) Json.parse(text);
    return map;
  }

  @Test
  void create_writesOneAuditEntryWithActorAfterAndComment() {
    Flag stored =
        admin.create(Flag.of("f").withDescription("new engine").withModule("fin"), "JIRA-1");
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.updatedBy()).isEqualTo("alice");
    assertThat(stored.updatedAt()).isNotNull();
    AuditEntry e = onlyNewEntry(0);
    assertThat(e.actor()).isEqualTo("alice");
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_CREATED);
    assertThat(e.environment()).isEqualTo(ENV);
    assertThat(e.flagKey()).isEqualTo("f");
    assertThat(e.tenantId()).isNull();
    assertThat(e.before()).isNull();
    assertThat(json(e.after()))
        .containsEntry("key", "f")
        .containsEntry("description", "new engine")
        .containsEntry("module", "fin")
        .containsEntry("version", new java.math.BigDecimal(1));
    assertThat(e.comment()).isEqualTo("JIRA-1");
    assertThat(e.id()).isPositive();
    assertThat(store.loadFlag(ENV, "f")).contains(stored);
  }

  @Test
  void create_existingKey_isAlreadyExistsAndStoresNothing() {
    admin.create(Flag.of("f"), null);
    admin.archive("f", null);
    long version = store.changeVersion(ENV);
    int audit = TestFlags.auditSize(store);
    assertThatThrownBy(() -> admin.create(Flag.of("f").withState(FlagState.ON), null))
        .isInstanceOf(FlagConflictException.class)
        .hasMessage("flag 'f' already exists")
        .extracting(e -> ((FlagConflictException) e).kind())
        .isEqualTo(FlagConflictException.Kind.ALREADY_EXISTS);
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(TestFlags.auditSize(store)).isEqualTo(audit);
  }

  @Test
  void update_writesOneEntryWithBeforeAndAfter() {
    admin.create(Flag.of("f"), null);
    int before = TestFlags.auditSize(store);
    Flag updated =
        admin.update(
            "f", 1, f -> f.withState(FlagState.ROLLOUT).withRolloutPercent("12.5"), "ramp");
    assertThat(updated.version()).isEqualTo(2);
    assertThat(updated.rolloutBasisPoints()).isEqualTo(1250);
    AuditEntry e = onlyNewEntry(before);
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_UPDATED);
    assertThat(json(e.before()))
        .containsEntry("state", "OFF")
        .containsEntry("version", new java.math.BigDecimal(1));
    assertThat(json(e.after()))
        .containsEntry("state", "ROLLOUT")
        .containsEntry("rolloutPercent", new java.math.BigDecimal("12.5"));
    assertThat(e.comment()).isEqualTo("ramp");
  }

  @Test
  void archiveRestoreKill_eachWriteOneEntryOfTheirAction() {
    admin.create(Flag.of("f").withState(FlagState.ON), null);
    int n = TestFlags.auditSize(store);
    assertThat(admin.archive("f", "gone").archived()).isTrue();
    assertThat(onlyNewEntry(n).action()).isEqualTo(AuditAction.FLAG_ARCHIVED);
    assertThat(admin.restore("f", null).archived()).isFalse();
    assertThat(onlyNewEntry(n + 1).action()).isEqualTo(AuditAction.FLAG_RESTORED);
    Flag killed = admin.kill("f", "incident");
    assertThat(killed.state()).isEqualTo(FlagState.OFF);
    AuditEntry e = onlyNewEntry(n + 2);
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_KILLED);
    assertThat(json(e.before())).containsEntry("state", "ON");
    assertThat(json(e.after())).containsEntry("state", "OFF");
    assertThat(e.comment()).isEqualTo("incident");
    assertThat(killed.version()).isEqualTo(4);
  }

  @Test
  void setAndClearOverride_writeOneEntryEachWithTenant() {
    admin.create(Flag.of("f"), null);
    int n = TestFlags.auditSize(store);
    TenantOverride set = admin.setOverride("f", "acme", true, true, "pilot", "sales asked");
    assertThat(set)
        .extracting(
            TenantOverride::enabled,
            TenantOverride::locked,
            TenantOverride::note,
            TenantOverride::updatedBy)
        .containsExactly(true, true, "pilot", "alice");
    AuditEntry e = onlyNewEntry(n);
    assertThat(e.action()).isEqualTo(AuditAction.OVERRIDE_SET);
    assertThat(e.tenantId()).isEqualTo("acme");
    assertThat(e.before()).isNull();
    assertThat(json(e.after()))
        .containsEntry("enabled", true)
        .containsEntry("locked", true)
        .containsEntry("note", "pilot");

    admin.setOverride("f", "acme", false, false, null, null);
    AuditEntry replaced = onlyNewEntry(n + 1);
    assertThat(json(replaced.before())).containsEntry("enabled", true);
    assertThat(json(replaced.after())).containsEntry("enabled", false);

    admin.clearOverride("f", "acme", "done");
    AuditEntry cleared = onlyNewEntry(n + 2);
    assertThat(cleared.action()).isEqualTo(AuditAction.OVERRIDE_CLEARED);
    assertThat(json(cleared.before())).containsEntry("enabled", false);
    assertThat(cleared.after()).isNull();
    assertThat(cleared.comment()).isEqualTo("done");
    assertThat(admin.overrides("f")).isEmpty();
  }

  @Test
  void overrideReads_listByFlagAndByTenant() {
    admin.create(Flag.of("a"), null);
    admin.create(Flag.of("b"), null);
    admin.setOverride("a", "acme", true, false, null, null);
    admin.setOverride("b", "acme", false, false, null, null);
    admin.setOverride("a", "globex", true, false, null, null);
    assertThat(admin.overrides("a"))
        .extracting(TenantOverride::tenantId)
        .containsExactly("acme", "globex");
    assertThat(admin.tenantOverrides("acme"))
        .extracting(TenantOverride::flagKey)
        .containsExactly("a", "b");
    assertThat(admin.flag("a")).isPresent();
    assertThat(admin.flag("zz")).isEmpty();
    assertThat(admin.flags()).extracting(Flag::key).containsExactly("a", "b");
    assertThat(admin.actor()).isEqualTo("alice");
    assertThat(admin.environment()).isEqualTo(ENV);
  }

  @Test
  void environments_createAndDelete_areAuditedAndDeletionClearsTheClient() {
    Environment staging = admin.createEnvironment("staging", false, "new stage");
    assertThat(staging).isEqualTo(new Environment("staging", false));
    AuditEntry created = onlyNewEntry(0);
    assertThat(created.action()).isEqualTo(AuditAction.ENVIRONMENT_CREATED);
    assertThat(created.environment()).isEqualTo("staging");
    assertThat(json(created.after()))
        .containsEntry("name", "staging")
        .containsEntry("protected", false);
    assertThatThrownBy(() -> admin.createEnvironment("staging", true, null))
        .isInstanceOf(FlagConflictException.class);

    admin.create(Flag.of("f").withState(FlagState.ON), null);
    assertThat(admin.environments()).extracting(Environment::name).containsExactly("staging", ENV);
    assertThat(flags.isEnabled("f", TenantKey.of("acme"))).isTrue();
    int n = TestFlags.auditSize(store);
    admin.deleteEnvironment(ENV, "cleanup");
    AuditEntry deleted = onlyNewEntry(n);
    assertThat(deleted.action()).isEqualTo(AuditAction.ENVIRONMENT_DELETED);
    assertThat(json(deleted.before())).containsEntry("name", ENV);
    assertThat(flags.evaluate("f", TenantKey.of("acme")).reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
    // Its history stays.
    assertThat(admin.history("f", 10)).hasSize(1);

    admin.deleteEnvironment("staging", null);
    assertThatThrownBy(() -> admin.deleteEnvironment("staging", null))
        .isInstanceOf(FlagNotFoundException.class)
        .hasMessage("environment 'staging' does not exist");
  }

  @Test
  void environments_implicitOnFirstWrite_productionProtected() {
    try (FeatureFlags prod =
        FeatureFlags.builder().store(store).environment("production").build()) {
      prod.admin("alice").create(Flag.of("f"), null);
    }
    admin.create(Flag.of("f"), null);
    assertThat(store.environments())
        .containsExactly(new Environment("production", true), new Environment(ENV, false));
  }

  // ---- ensure
  // -------------------------------------------------------------------------------------

  @Test
  void ensure_absent_isCreatedByTheEnsureActor() {
    FlagAdmin app = flags.admin("ensure:myapp");
    assertThat(app.ensure(Flag.of("f").withDescription("declared")))
        .isEqualTo(EnsureResult.CREATED);
    Flag stored = store.loadFlag(ENV, "f").orElseThrow();
    assertThat(stored.description()).isEqualTo("declared");
    assertThat(stored.updatedBy()).isEqualTo("ensure:myapp");
    assertThat(app.history("f", 5))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo(AuditAction.FLAG_CREATED);
              assertThat(e.comment()).isEqualTo("declared by ensure");
            });
  }

  @Test
  void ensure_equal_isUnchangedAndWritesNothing() {
    FlagAdmin app = flags.admin("ensure:myapp");
    Flag declared = Flag.of("f").withDescription("declared").withTags(List.of("beta"));
    app.ensure(declared);
    long version = store.changeVersion(ENV);
    int audit = TestFlags.auditSize(store);
    assertThat(app.ensure(declared)).isEqualTo(EnsureResult.UNCHANGED);
    // A restart with another client instance: still unchanged.
    assertThat(flags.admin("ensure:myapp").ensure(declared)).isEqualTo(EnsureResult.UNCHANGED);
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
    assertThat(TestFlags.auditSize(store)).isEqualTo(audit);
  }

  @Test
  void ensure_changedDeclarationOnlyEnsureTouched_isUpdated() {
    FlagAdmin app = flags.admin("ensure:myapp");
    app.ensure(Flag.of("f").withDescription("v1"));
    int audit = TestFlags.auditSize(store);
    assertThat(app.ensure(Flag.of("f").withDescription("v2").withState(FlagState.ON)))
        .isEqualTo(EnsureResult.UPDATED);
    Flag stored = store.loadFlag(ENV, "f").orElseThrow();
    assertThat(stored.description()).isEqualTo("v2");
    assertThat(stored.version()).isEqualTo(2);
    AuditEntry e = onlyNewEntry(audit);
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_UPDATED);
    assertThat(e.actor()).isEqualTo("ensure:myapp");
    assertThat(flags.isEnabled("f", TenantKey.of("acme"))).isTrue();
  }

  @Test
  void ensure_operatorEditedIt_keepsTheOperatorsChanges() {
    FlagAdmin app = flags.admin("ensure:myapp");
    app.ensure(Flag.of("f").withDescription("v1"));
    flags
        .admin("operator")
        .update("f", FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.ON), "turning it on");
    long version = store.changeVersion(ENV);
    assertThat(app.ensure(Flag.of("f").withDescription("v2")))
        .isEqualTo(EnsureResult.KEPT_OPERATOR_CHANGES);
    Flag stored = store.loadFlag(ENV, "f").orElseThrow();
    assertThat(stored.state()).isEqualTo(FlagState.ON);
    assertThat(stored.description()).isEqualTo("v1");
    assertThat(store.changeVersion(ENV)).isEqualTo(version);
  }

  @Test
  void ensure_archivedByEnsureActor_staysArchivedWhenUpdated() {
    FlagAdmin app = flags.admin("ensure:myapp");
    app.ensure(Flag.of("f"));
    app.archive("f", null);
    assertThat(app.ensure(Flag.of("f").withDescription("v2"))).isEqualTo(EnsureResult.UPDATED);
    assertThat(store.loadFlag(ENV, "f").orElseThrow().archived()).isTrue();
  }

  @Test
  void ensure_invalidPrerequisite_throwsNamingPrerequisitesAndStoresNothing() {
    FlagAdmin app = flags.admin("ensure:myapp");
    assertThatThrownBy(() -> app.ensure(Flag.of("f").withPrerequisites(List.of("missing"))))
        .isInstanceOf(FlagValidationException.class)
        .hasMessageContaining("prerequisites");
    assertThat(store.loadFlag(ENV, "f")).isEmpty();
  }

  // ---- export, history, audit
  // -----------------------------------------------------------------------

  @Test
  void export_roundTripsThroughParse() {
    admin.create(
        Flag.of("a")
            .withDescription("with \"quotes\" and ключ")
            .withModule("fin")
            .withState(FlagState.ROLLOUT)
            .withRolloutPercent("33.33")
            .withRolloutSalt("salt")
            .withScope(Scope.of("plan", "pro", "enterprise").with("tenant", List.of("acme")))
            .withTenantEditable(true)
            .withTags(List.of("beta", "experimental")),
        "c");
    admin.create(Flag.of("b").withPrerequisites(List.of("a")), null);
    admin.archive("b", null);
    admin.setOverride("a", "acme", true, true, "note <b>", null);
    admin.setOverride("a", "globex", false, false, null, null);

    FlagExport export = admin.export();
    assertThat(export.environment()).isEqualTo(ENV);
    assertThat(export.version()).isEqualTo(store.changeVersion(ENV));
    assertThat(export.flags()).extracting(Flag::key).containsExactly("a", "b");
    assertThat(export.overrides()).hasSize(2);

    FlagExport parsed = FlagExport.parse(export.toJson(), "elsewhere");
    assertThat(parsed).isEqualTo(export);
  }

  @Test
  void history_newestFirstLimitedToOneFlag() {
    admin.create(Flag.of("a"), "1");
    admin.create(Flag.of("b"), null);
    admin.update("a", 1, f -> f.withDescription("x"), "2");
    admin.setOverride("a", "acme", true, false, null, "3");
    assertThat(admin.history("a", 10))
        .extracting(AuditEntry::comment)
        .containsExactly("3", "2", "1");
    assertThat(admin.history("a", 2)).extracting(AuditEntry::comment).containsExactly("3", "2");
    assertThatThrownBy(() -> admin.history("a", 0))
        .isInstanceOf(FlagValidationException.class)
        .hasMessage("limit must be between 1 and 1000: 0");
  }

  @Test
  void audit_filtersByActorTenantAndPagesWithBeforeId() {
    admin.create(Flag.of("a"), null);
    flags.admin("bob").setOverride("a", "acme", true, false, null, null);
    flags.admin("bob").setOverride("a", "globex", true, false, null, null);
    admin.kill("a", null);
    assertThat(admin.audit(new AuditQuery(ENV, null, "bob", null, null, 10)))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.actor()).isEqualTo("bob"));
    assertThat(admin.audit(new AuditQuery(null, "a", null, "globex", null, 10)))
        .singleElement()
        .extracting(AuditEntry::tenantId)
        .isEqualTo("globex");
    List<AuditEntry> page1 = admin.audit(AuditQuery.recent(ENV, 2));
    assertThat(page1)
        .extracting(AuditEntry::action)
        .containsExactly(AuditAction.FLAG_KILLED, AuditAction.OVERRIDE_SET);
    List<AuditEntry> page2 =
        admin.audit(new AuditQuery(ENV, null, null, null, page1.get(1).id(), 10));
    assertThat(page2)
        .extracting(AuditEntry::action)
        .containsExactly(AuditAction.OVERRIDE_SET, AuditAction.FLAG_CREATED);
    assertThat(admin.audit(AuditQuery.recent("elsewhere", 10))).isEmpty();
  }

  @Test
  void respectingLocks_unlockedOverride_mayBeSetAndCleared() {
    admin.create(Flag.of("f").withTenantEditable(true), null);
    FlagAdmin tenantAdmin = admin.respectingLocks();
    assertThat(tenantAdmin.actor()).isEqualTo("alice");
    tenantAdmin.setOverride("f", "acme", true, false, null, null);
    assertThat(flags.isEnabled("f", TenantKey.of("acme"))).isFalse(); // OFF beats it
    tenantAdmin.clearOverride("f", "acme", null);
    assertThat(admin.overrides("f")).isEmpty();
  }

  @Test
  void changeListeners_seeOverrideOnlyChangesAsAFlagChange() {
    admin.create(Flag.of("f"), null);
    List<Set<String>> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    flags.addListener(
        new FeatureFlagsListener() {
          @Override
          public void onFlagsChanged(Set<String> changedKeys) {
            changes.add(changedKeys);
          }
        });
    admin.setOverride("f", "acme", true, false, null, null);
    admin.setOverride("f", "globex", true, false, null, null);
    // The first override makes the flag "have overrides"; the second changes nothing flag-level.
    assertThat(changes).containsExactly(Set.of("f"));
  }

  @Test
  void ensure_anotherInstanceCreatesItFirst_isUnchanged() {
    // Two app instances start together: this one reads "absent", the other creates it before this
    // one does.
    FlagAdmin other = flags.admin("ensure:myapp");
    dev.tenantflags.spi.FlagStore racing =
        new ForwardingStore(store) {
          @Override
          public AuditEntry createFlag(String environment, Flag flag, AuditEntry audit) {
            other.ensure(Flag.of("f").withDescription("theirs"));
            return super.createFlag(environment, flag, audit);
          }
        };
    try (FeatureFlags instance = TestFlags.client(racing)) {
      assertThat(instance.admin("ensure:myapp").ensure(Flag.of("f").withDescription("ours")))
          .isEqualTo(EnsureResult.UNCHANGED);
    }
    assertThat(store.loadFlag(ENV, "f").orElseThrow().description()).isEqualTo("theirs");
    assertThat(admin.history("f", 10)).hasSize(1);
  }

  @Test
  void ensure_operatorEditsBetweenReadAndWrite_keepsTheOperatorsChanges() {
    FlagAdmin app = flags.admin("ensure:myapp");
    app.ensure(Flag.of("f").withDescription("v1"));
    FlagAdmin operator = flags.admin("operator");
    dev.tenantflags.spi.FlagStore racing =
        new ForwardingStore(store) {
          @Override
          public AuditEntry updateFlag(
              String environment, Flag flag, long expectedVersion, AuditEntry audit) {
            if (audit.actor().equals("ensure:myapp")) {
              operator.update("f", FlagAdmin.ANY_VERSION, f -> f.withState(FlagState.ON), null);
            }
            return super.updateFlag(environment, flag, expectedVersion, audit);
          }
        };
    try (FeatureFlags instance = TestFlags.client(racing)) {
      assertThat(instance.admin("ensure:myapp").ensure(Flag.of("f").withDescription("v2")))
          .isEqualTo(EnsureResult.KEPT_OPERATOR_CHANGES);
    }
    Flag stored = store.loadFlag(ENV, "f").orElseThrow();
    assertThat(stored.description()).isEqualTo("v1");
    assertThat(stored.state()).isEqualTo(FlagState.ON);
    assertThat(stored.updatedBy()).isEqualTo("operator");
  }

  @Test
  void listeners_deletedEnvironment_reportTheRemovedFlags() {
    admin.create(Flag.of("a"), null);
    admin.create(Flag.of("b"), null);
    List<Set<String>> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    flags.addListener(
        new FeatureFlagsListener() {
          @Override
          public void onFlagsChanged(Set<String> changedKeys) {
            changes.add(changedKeys);
          }
        });
    admin.deleteEnvironment(ENV, null);
    assertThat(changes).containsExactly(Set.of("a", "b"));
    assertThat(flags.flags()).isEmpty();
  }
}
