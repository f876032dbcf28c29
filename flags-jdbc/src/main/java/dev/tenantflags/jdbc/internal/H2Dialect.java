package dev.tenantflags.jdbc.internal;

import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.Dialect;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/*
 * Migration lock: H2 commits DDL implicitly, so a lock held by the migrating transaction would be
 * released by the first CREATE TABLE. Instead a second connection holds a row lock (SELECT ... FOR
 * UPDATE on tf_schema_lock) in an open transaction while the first applies the migrations.
 */
/** H2: standard {@code MERGE} statements and a lock row for migrations. */
final class H2Dialect implements SqlDialect {

  @Override
  public Dialect dialect() {
    return Dialect.H2;
  }

  @Override
  public void insertEnvironmentIfAbsent(Handle handle, String name, boolean isProtected) {
    handle
        .createUpdate(
            "MERGE INTO tf_environments e USING (VALUES (CAST(:name AS VARCHAR(32)),"
                + " CAST(:protected AS BOOLEAN))) s(name, protected) ON e.name = s.name WHEN NOT"
                + " MATCHED THEN INSERT (name, protected, deleted, change_version) VALUES (s.name,"
                + " s.protected, TRUE, 0)")
        .bind("name", name)
        .bind("protected", isProtected)
        .execute();
  }

  @Override
  public void upsertOverride(Handle handle, String environment, TenantOverride o) {
    handle
        .createUpdate(
            "MERGE INTO tf_overrides (environment, flag_key, tenant_id, enabled, locked, note,"
                + " updated_at, updated_by) KEY (environment, flag_key, tenant_id) VALUES"
                + " (:environment, :flagKey, :tenantId, :enabled, :locked, :note, :updatedAt,"
                + " :updatedBy)")
        .bindMethods(new OverrideColumns(environment, o))
        .execute();
  }

  @Override
  public TransactionIsolationLevel snapshotIsolation() {
    return TransactionIsolationLevel.REPEATABLE_READ;
  }

  @Override
  public void withMigrationLock(Jdbi jdbi, Handle handle, Runnable body) {
    handle.execute("CREATE TABLE IF NOT EXISTS tf_schema_lock (id INTEGER NOT NULL PRIMARY KEY)");
    handle.execute("MERGE INTO tf_schema_lock KEY (id) VALUES (1)");
    try (Handle lock = jdbi.open()) {
      lock.execute("SET LOCK_TIMEOUT 120000");
      lock.useTransaction(
          h -> {
            h.createQuery("SELECT id FROM tf_schema_lock WHERE id = 1 FOR UPDATE")
                .mapTo(Integer.class)
                .list();
            body.run();
          });
    }
  }
}
