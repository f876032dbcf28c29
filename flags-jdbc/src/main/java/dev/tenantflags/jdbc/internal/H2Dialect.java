package dev.tenantflags.jdbc.internal;

import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.Dialect;
import dev.tenantflags.spi.UsageBucket;
import java.sql.SQLException;
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
  public void addUsage(Handle handle, UsageBucket bucket) {
    handle
        .createUpdate(
            "MERGE INTO tf_usage u USING (VALUES (CAST(:environment AS VARCHAR(32)),"
                + " CAST(:flagKey AS VARCHAR(64)), CAST(:hourStart AS BIGINT), CAST(:trueCount AS"
                + " BIGINT), CAST(:falseCount AS BIGINT), CAST(:refusedCount AS BIGINT),"
                + " CAST(:lastEvaluatedAt AS BIGINT))) s(environment, flag_key, hour_start,"
                + " true_count, false_count, refused_count, last_evaluated_at) ON u.environment ="
                + " s.environment AND u.flag_key = s.flag_key AND u.hour_start = s.hour_start WHEN"
                + " MATCHED THEN UPDATE SET true_count = u.true_count + s.true_count, false_count ="
                + " u.false_count + s.false_count, refused_count = u.refused_count +"
                + " s.refused_count, last_evaluated_at = CASE WHEN u.last_evaluated_at IS NULL OR"
                + " s.last_evaluated_at > u.last_evaluated_at THEN s.last_evaluated_at ELSE"
                + " u.last_evaluated_at END WHEN NOT MATCHED THEN INSERT (environment, flag_key,"
                + " hour_start, true_count, false_count, refused_count, last_evaluated_at) VALUES"
                + " (s.environment, s.flag_key, s.hour_start, s.true_count, s.false_count,"
                + " s.refused_count, s.last_evaluated_at)")
        .bindMethods(new UsageColumns(bucket))
        .execute();
  }

  @Override
  public Failure classify(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return switch (state) {
      case "57014" -> Failure.STATEMENT_TIMEOUT; // statement canceled by its queryTimeout
      case "HYT00" -> Failure.STATEMENT_TIMEOUT; // lock timeout
      default -> SqlDialect.super.classify(e);
    };
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
