package dev.tenantflags.jdbc.internal;

import dev.tenantflags.Override;
import dev.tenantflags.jdbc.Dialect;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** PostgreSQL: {@code ON CONFLICT} upserts, {@code pg_notify}, a session advisory lock for migrations. */
final class PostgresDialect implements SqlDialect {

  /** The NOTIFY channel; payloads are {@code <environment>:<change version>}. */
  public static final String CHANNEL = "tenantflags";

  /** An arbitrary constant naming the advisory lock ("tflags" in ASCII). */
  private static final long MIGRATION_LOCK_KEY = 0x74666c616773L;

  @java.lang.Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @java.lang.Override
  public void insertEnvironmentIfAbsent(Handle handle, String name, boolean isProtected) {
    handle.createUpdate("INSERT INTO tf_environments (name, protected, deleted, change_version)"
            + " VALUES (:name, :protected, TRUE, 0) ON CONFLICT (name) DO NOTHING")
        .bind("name", name)
        .bind("protected", isProtected)
        .execute();
  }

  @java.lang.Override
  public void upsertOverride(Handle handle, String environment, Override o) {
    handle.createUpdate(Sql.UPSERT_OVERRIDE_ON_CONFLICT)
        .bindMethods(new OverrideColumns(environment, o))
        .execute();
  }

  @java.lang.Override
  public void notifyChange(Handle handle, String environment, long changeVersion) {
    handle.createQuery("SELECT pg_notify(:channel, :payload)")
        .bind("channel", CHANNEL)
        .bind("payload", environment + ":" + changeVersion)
        .mapToMap()
        .list();
  }

  @java.lang.Override
  public TransactionIsolationLevel snapshotIsolation() {
    return TransactionIsolationLevel.REPEATABLE_READ;
  }

  @java.lang.Override
  public void withMigrationLock(Jdbi jdbi, Handle handle, Runnable body) {
    handle.createQuery("SELECT pg_advisory_lock(:key)").bind("key", MIGRATION_LOCK_KEY).mapToMap().list();
    try {
      body.run();
    } finally {
      handle.createQuery("SELECT pg_advisory_unlock(:key)").bind("key", MIGRATION_LOCK_KEY).mapToMap().list();
    }
  }

  @java.lang.Override
  public boolean migrationInTransaction() {
    return true;
  }
}
