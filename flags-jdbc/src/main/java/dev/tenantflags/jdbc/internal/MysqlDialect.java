package dev.tenantflags.jdbc.internal;

import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.Dialect;
import dev.tenantflags.spi.UsageBucket;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * MariaDB and MySQL: {@code ON DUPLICATE KEY UPDATE} upserts, {@code GET_LOCK} for migrations, and
 * a no-pad binary collation so that {@code 'acme'} and {@code 'acme '} are different keys.
 */
final class MysqlDialect implements SqlDialect {

  private static final int LOCK_TIMEOUT_SECONDS = 120;

  /** No-pad binary collations, preferred first: MySQL 8's, then MariaDB 10.2+'s. */
  private static final List<String> NO_PAD_BINARY =
      List.of("utf8mb4_0900_bin", "utf8mb4_nopad_bin");

  private final Timeouts timeouts;

  MysqlDialect(Timeouts timeouts) {
    this.timeouts = timeouts;
  }

  @Override
  public void addDriverProperties(Properties properties) {
    // MariaDB Connector/J and MySQL Connector/J both take milliseconds.
    properties.setProperty("socketTimeout", Long.toString(timeouts.socketSeconds() * 1000L));
    properties.setProperty("connectTimeout", Long.toString(timeouts.connectSeconds() * 1000L));
  }

  @Override
  public Failure classify(SQLException e) {
    return switch (e.getErrorCode()) {
      case 1205 -> Failure.STATEMENT_TIMEOUT; // ER_LOCK_WAIT_TIMEOUT
      case 1969, 3024 -> Failure.STATEMENT_TIMEOUT; // max_statement_time / max_execution_time
      case 1366 -> Failure.UNSTORABLE_TEXT; // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (bad string)
      default -> SqlDialect.super.classify(e);
    };
  }

  @Override
  public Map<String, String> migrationVariables(Handle handle) {
    List<String> available =
        handle
            .createQuery(
                "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN"
                    + " (<names>)")
            .bindList("names", NO_PAD_BINARY)
            .mapTo(String.class)
            .list();
    String collation =
        NO_PAD_BINARY.stream()
            .filter(available::contains)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the server has no no-pad binary utf8mb4 collation ("
                            + String.join(" or ", NO_PAD_BINARY)
                            + "); tenantflags needs MySQL 8+ or MariaDB 10.2+"));
    return Map.of("binary_collation", collation);
  }

  @Override
  public Map<String, String> defaultMigrationVariables() {
    return Map.of("binary_collation", "utf8mb4_nopad_bin");
  }

  @Override
  public void addUsage(Handle handle, UsageBucket bucket) {
    handle
        .createUpdate(
            "INSERT INTO tf_usage (environment, flag_key, hour_start, true_count, false_count,"
                + " refused_count, last_evaluated_at) VALUES (:environment, :flagKey, :hourStart,"
                + " :trueCount, :falseCount, :refusedCount, :lastEvaluatedAt) ON DUPLICATE KEY"
                + " UPDATE true_count = true_count + VALUES(true_count), false_count = false_count"
                + " + VALUES(false_count), refused_count = refused_count + VALUES(refused_count),"
                + " last_evaluated_at = CASE WHEN last_evaluated_at IS NULL OR"
                + " VALUES(last_evaluated_at) > last_evaluated_at THEN VALUES(last_evaluated_at)"
                + " ELSE last_evaluated_at END")
        .bindMethods(new UsageColumns(bucket))
        .execute();
  }

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
