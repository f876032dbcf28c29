package dev.tenantflags.jdbc.internal;

import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagFields;
import dev.tenantflags.FlagState;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.UnreadableRow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.mapper.RowMapper;

/*
 * Unreadable rows (SPEC §4): a flag or override row is mapped column by column, and anything wrong
 * with its values (malformed or mistyped JSON, an unknown state, NULL where a value is required, a
 * value that breaks a rule of SPEC §2) becomes an UnreadableRow naming the column, never an exception
 * that fails the whole read. Only the key columns must be readable. Driver failures (SQLException)
 * still propagate: they are not the row's fault.
 */
/**
 * Row mappers from the {@code tf_*} tables to flags-core values; the JSON text columns are read
 * with flags-core's {@link FlagFields}. Not part of the public API.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Rows {

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

  /**
   * A mapped row: its value, or why it could not be read.
   *
   * @param <T> the value type
   * @param value the value, or null when unreadable
   * @param unreadable the problem, or null when readable
   */
  public record Mapped<T>(T value, UnreadableRow unreadable) {}

  /** A value in a column that the mapper rejects; the message names the column, not the value. */
  private static final class BadColumn extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadColumn(String message) {
      super(message, null, false, false);
    }
  }

  /** Maps a {@code tf_overrides} row, or says why it cannot. */
  public static final RowMapper<Mapped<TenantOverride>> OVERRIDE =
      (rs, ctx) -> {
        String flagKey = rs.getString("flag_key");
        String tenantId = rs.getString("tenant_id");
        try {
          return new Mapped<>(
              new TenantOverride(
                  flagKey,
                  tenantId,
                  bool(rs, "enabled"),
                  bool(rs, "locked"),
                  rs.getString("note"),
                  instant(rs, "updated_at"),
                  rs.getString("updated_by")),
              null);
        } catch (BadColumn | FlagValidationException e) {
          return new Mapped<>(
              null,
              new UnreadableRow(
                  "override", String.valueOf(flagKey), tenantId, problem(e.getMessage())));
        }
      };

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

  /**
   * Maps a {@code tf_flags} row, or says why it cannot.
   *
   * @param rs the result set on the row
   * @return the flag or its problem
   * @throws SQLException if the driver fails
   */
  static Mapped<Flag> flag(ResultSet rs) throws SQLException {
    String key = rs.getString("flag_key");
    try {
      // The JSON columns go through the core's field codec, the one home of a flag's JSON form.
      return new Mapped<>(
          Flag.builder(key)
              .description(rs.getString("description"))
              .module(rs.getString("module"))
              .state(state(rs.getString("state")))
              .rolloutBasisPoints(intColumn(rs, "rollout_bp"))
              .rolloutSalt(rs.getString("rollout_salt"))
              .scope(column("scope", () -> FlagFields.scopeFromJson(jsonText(rs, "scope"))))
              .prerequisites(
                  column(
                      "prerequisites",
                      () ->
                          FlagFields.stringsFromJson(
                              "prerequisites", jsonText(rs, "prerequisites"))))
              .tenantEditable(bool(rs, "tenant_editable"))
              .tags(column("tags", () -> FlagFields.stringsFromJson("tags", jsonText(rs, "tags"))))
              .archived(bool(rs, "archived"))
              .version(longColumn(rs, "version"))
              .updatedAt(instant(rs, "updated_at"))
              .updatedBy(rs.getString("updated_by"))
              .build(),
          null);
    } catch (BadColumn | IllegalArgumentException | NullPointerException e) {
      // IllegalArgumentException covers FlagValidationException: a value that breaks a rule.
      String message =
          e instanceof NullPointerException
              ? "a required value is missing (" + e.getMessage() + ")"
              : e.getMessage();
      return new Mapped<>(
          null, new UnreadableRow("flag", String.valueOf(key), null, problem(message)));
    }
  }

  /** Reads a JSON column's value, naming the column in the problem when it is malformed. */
  private static <T> T column(String column, ColumnReader<T> reader) throws SQLException {
    try {
      return reader.read();
    } catch (FlagValidationException e) {
      throw new BadColumn("column " + column + " is not valid: " + e.getMessage());
    }
  }

  /** Reads one column. */
  @FunctionalInterface
  private interface ColumnReader<T> {
    T read() throws SQLException;
  }

  /** A JSON column's text; SQL NULL and JSON null are unreadable, never an empty value. */
  private static String jsonText(ResultSet rs, String column) throws SQLException {
    String text = rs.getString(column);
    if (text == null) {
      throw new BadColumn("column " + column + " is NULL");
    }
    if (text.strip().equals("null")) {
      throw new BadColumn("column " + column + " is JSON null");
    }
    return text;
  }

  private static String problem(String message) {
    String m = message == null ? "the row breaks a rule" : message;
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }

  private static FlagState state(String name) {
    if (name == null) {
      throw new BadColumn("column state is NULL");
    }
    try {
      return FlagState.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new BadColumn(
          "column state holds an unknown state '"
              + (name.length() > 16 ? name.substring(0, 16) + "…" : name)
              + "'");
    }
  }

  private static boolean bool(ResultSet rs, String column) throws SQLException {
    boolean value;
    try {
      value = rs.getBoolean(column);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
        throw new BadColumn("column " + column + " does not hold a boolean");
      }
      throw e;
    }
    if (rs.wasNull()) {
      throw new BadColumn("column " + column + " is NULL");
    }
    return value;
  }

  private static int intColumn(ResultSet rs, String column) throws SQLException {
    long value = longColumn(rs, column);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new BadColumn("column " + column + " is out of range: " + value);
    }
    return (int) value;
  }

  private static long longColumn(ResultSet rs, String column) throws SQLException {
    long value;
    try {
      value = rs.getLong(column);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
        throw new BadColumn("column " + column + " does not hold a number in range");
      }
      throw e;
    }
    if (rs.wasNull()) {
      throw new BadColumn("column " + column + " is NULL");
    }
    return value;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
