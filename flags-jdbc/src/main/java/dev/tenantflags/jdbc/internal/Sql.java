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

  /** Additive usage upsert understood by PostgreSQL and SQLite 3.24+. */
  static final String ADD_USAGE_ON_CONFLICT =
      "INSERT INTO tf_usage (environment, flag_key, hour_start, true_count, false_count,"
          + " refused_count, last_evaluated_at) VALUES (:environment, :flagKey, :hourStart,"
          + " :trueCount, :falseCount, :refusedCount, :lastEvaluatedAt) ON CONFLICT (environment,"
          + " flag_key, hour_start) DO UPDATE SET true_count = tf_usage.true_count +"
          + " excluded.true_count, false_count = tf_usage.false_count + excluded.false_count,"
          + " refused_count = tf_usage.refused_count + excluded.refused_count, last_evaluated_at ="
          + " CASE WHEN tf_usage.last_evaluated_at IS NULL OR excluded.last_evaluated_at >"
          + " tf_usage.last_evaluated_at THEN excluded.last_evaluated_at ELSE"
          + " tf_usage.last_evaluated_at END";
}
