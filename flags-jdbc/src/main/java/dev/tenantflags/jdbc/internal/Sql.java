package dev.tenantflags.jdbc.internal;

/** SQL text shared by several dialect units. */
final class Sql {
  private Sql() {}

  /** Standard-ish upsert understood by PostgreSQL and SQLite 3.24+. */
  static final String UPSERT_OVERRIDE_ON_CONFLICT =
      "INSERT INTO tf_overrides (environment, flag_key, tenant_id, enabled, locked, note,"
          + " updated_at, updated_by) VALUES (:environment, :flagKey, :tenantId, :enabled, :locked,"
          + " :note, :updatedAt, :updatedBy) ON CONFLICT (environment, flag_key, tenant_id) DO"
          + " UPDATE SET enabled = excluded.enabled, locked = excluded.locked, note ="
          + " excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
}
