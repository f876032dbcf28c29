package dev.tenantflags.jdbc.internal;

import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.Dialect;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * MariaDB and MySQL: {@code ON DUPLICATE KEY UPDATE} upserts and {@code GET_LOCK} for migrations.
 */
final class MysqlDialect implements SqlDialect {

  private static final int LOCK_TIMEOUT_SECONDS = 120;

  @Override
  public Dialect dialect() {
    return Dialect.MYSQL;
  }

  @Override
  public void insertEnvironmentIfAbsent(Handle handle, String name, boolean isProtected) {
    // "name = name" makes the duplicate a no-op without INSERT IGNORE swallowing other errors.
    handle
        .createUpdate(
            "INSERT INTO tf_environments (name, protected, deleted, change_version)"
                + " VALUES (:name, :protected, TRUE, 0) ON DUPLICATE KEY UPDATE name = name")
        .bind("name", name)
        .bind("protected", isProtected)
        .execute();
  }

  @Override
  public void upsertOverride(Handle handle, String environment, TenantOverride o) {
    handle
        .createUpdate(
            "INSERT INTO tf_overrides (environment, flag_key, tenant_id, enabled, locked, note,"
                + " updated_at, updated_by) VALUES (:environment, :flagKey, :tenantId, :enabled,"
                + " :locked, :note, :updatedAt, :updatedBy) ON DUPLICATE KEY UPDATE enabled ="
                + " VALUES(enabled), locked = VALUES(locked), note = VALUES(note), updated_at ="
                + " VALUES(updated_at), updated_by = VALUES(updated_by)")
        .bindMethods(new OverrideColumns(environment, o))
        .execute();
  }

  @Override
  public void withMigrationLock(Jdbi jdbi, Handle handle, Runnable body) {
    // GET_LOCK is server-wide, so the lock name includes the database.
    Integer got =
        handle
            .createQuery("SELECT GET_LOCK(CONCAT('tenantflags.schema.', DATABASE()), :timeout)")
            .bind("timeout", LOCK_TIMEOUT_SECONDS)
            .mapTo(Integer.class)
            .one();
    if (got == null || got != 1) {
      throw new IllegalStateException(
          "could not take the schema migration lock within " + LOCK_TIMEOUT_SECONDS + " s");
    }
    try {
      body.run();
    } finally {
      handle
          .createQuery("SELECT RELEASE_LOCK(CONCAT('tenantflags.schema.', DATABASE()))")
          .mapToMap()
          .list();
    }
  }
}
