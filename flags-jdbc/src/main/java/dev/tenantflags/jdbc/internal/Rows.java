package dev.tenantflags.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.Scope;
import dev.tenantflags.TenantOverride;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Row mappers from the {@code tf_*} tables to flags-core values, and the JSON codec of the JSON
 * text columns. Not part of the public API.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Rows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, List<String>>> SCOPE = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  /** Columns of {@code tf_flags} the flag mapper reads, in select-list form. */
  public static final String FLAG_COLUMNS =
      "environment, flag_key, description, module, state, rollout_bp, rollout_salt, scope,"
          + " prerequisites, tenant_editable, tags, archived, version, updated_at, updated_by";

  /** Columns of {@code tf_overrides} the override mapper reads. */
  public static final String OVERRIDE_COLUMNS =
      "flag_key, tenant_id, enabled, locked, note, updated_at, updated_by";

  /** Columns of {@code tf_audit} the audit mapper reads. */
  public static final String AUDIT_COLUMNS =
      "id, created_at, actor, action, environment, flag_key,"
          + " tenant_id, before_json, after_json, change_comment";

  private Rows() {}

  /** Maps a {@code tf_flags} row. */
  public static final RowMapper<Flag> FLAG = (rs, ctx) -> flag(rs);

  /** Maps a {@code tf_overrides} row. */
  public static final RowMapper<TenantOverride> OVERRIDE =
      (rs, ctx) ->
          new TenantOverride(
              rs.getString("flag_key"),
              rs.getString("tenant_id"),
              rs.getBoolean("enabled"),
              rs.getBoolean("locked"),
              rs.getString("note"),
              instant(rs, "updated_at"),
              rs.getString("updated_by"));

  /** Maps a {@code tf_audit} row. */
  public static final RowMapper<AuditEntry> AUDIT =
      (rs, ctx) ->
          new AuditEntry(
              rs.getLong("id"),
              instant(rs, "created_at"),
              rs.getString("actor"),
              AuditAction.valueOf(rs.getString("action")),
              rs.getString("environment"),
              rs.getString("flag_key"),
              rs.getString("tenant_id"),
              rs.getString("before_json"),
              rs.getString("after_json"),
              rs.getString("change_comment"));

  /** Maps a {@code tf_environments} row. */
  public static final RowMapper<Environment> ENVIRONMENT =
      (rs, ctx) -> new Environment(rs.getString("name"), rs.getBoolean("protected"));

  static Flag flag(ResultSet rs) throws SQLException {
    Map<String, List<String>> axes = fromJson(rs.getString("scope"), SCOPE);
    Map<String, Set<String>> scope = new LinkedHashMap<>();
    axes.forEach((name, values) -> scope.put(name, new LinkedHashSet<>(values)));
    long version = rs.getLong("version");
    return new Flag(
        rs.getString("flag_key"),
        rs.getString("description"),
        rs.getString("module"),
        FlagState.valueOf(rs.getString("state")),
        rs.getInt("rollout_bp"),
        rs.getString("rollout_salt"),
        new Scope(scope),
        fromJson(rs.getString("prerequisites"), STRINGS),
        rs.getBoolean("tenant_editable"),
        new LinkedHashSet<>(fromJson(rs.getString("tags"), STRINGS)),
        rs.getBoolean("archived"),
        version,
        instant(rs, "updated_at"),
        rs.getString("updated_by"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a flag column as JSON", e);
    }
  }

  private static <T> T fromJson(String text, TypeReference<T> type) throws SQLException {
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new SQLException("a JSON column of tf_flags is malformed", e);
    }
  }
}
