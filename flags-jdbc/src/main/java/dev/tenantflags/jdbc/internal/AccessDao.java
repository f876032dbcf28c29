package dev.tenantflags.jdbc.internal;

import dev.tenantflags.ApiToken;
import dev.tenantflags.spi.UsageBucket;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The SQL of usage counts ({@code tf_usage}) and API tokens ({@code tf_tokens}, {@code
 * tf_token_version}) that every dialect shares; the additive usage upsert is in the dialect units.
 * Not part of the public API.
 *
 * <p>Thread safety: attach per handle; a handle is used by one thread at a time.
 */
public interface AccessDao {

  /**
   * @return one flag's buckets with {@code from <= hour < to}, oldest first
   * @param environment the environment
   * @param flagKey the flag key
   * @param from the from
   * @param to the to
   */
  @SqlQuery(
      "SELECT environment, flag_key, hour_start, true_count, false_count, refused_count,"
          + " last_evaluated_at FROM tf_usage WHERE environment = :environment AND flag_key ="
          + " :flagKey AND hour_start >= :from AND hour_start < :to ORDER BY hour_start")
  @RegisterRowMapper(UsageMapper.class)
  List<UsageBucket> usage(
      @Bind("environment") String environment,
      @Bind("flagKey") String flagKey,
      @Bind("from") long from,
      @Bind("to") long to);

  /**
   * @return each flag key's latest evaluation time, epoch milliseconds
   * @param environment the environment
   */
  @SqlQuery(
      "SELECT flag_key, MAX(last_evaluated_at) AS last_evaluated_at FROM tf_usage WHERE"
          + " environment = :environment AND last_evaluated_at IS NOT NULL GROUP BY flag_key")
  @RegisterRowMapper(LastEvaluatedMapper.class)
  List<Map.Entry<String, Instant>> lastEvaluated(@Bind("environment") String environment);

  /**
   * @return every token, by name
   */
  @SqlQuery(
      "SELECT name, role, tenant, sha256, created_at, created_by, last_used_at FROM tf_tokens"
          + " ORDER BY name")
  @RegisterRowMapper(TokenMapper.class)
  List<ApiToken> tokens();

  /**
   * @return 1 when a token of this name exists, else 0
   * @param name the name
   */
  @SqlQuery("SELECT COUNT(*) FROM tf_tokens WHERE name = :name")
  int tokenExists(@Bind("name") String name);

  /**
   * Inserts a token.
   *
   * @param token the token
   */
  @SqlUpdate(
      "INSERT INTO tf_tokens (name, role, tenant, sha256, created_at, created_by, last_used_at)"
          + " VALUES (:name, :role, :tenant, :sha256, :createdAtMillis, :createdBy,"
          + " :lastUsedAtMillis)")
  void insertToken(@BindMethods TokenColumns token);

  /**
   * Deletes a token; 0 when absent.
   *
   * @param name the name
   * @return the number of rows changed
   */
  @SqlUpdate("DELETE FROM tf_tokens WHERE name = :name")
  int deleteToken(@Bind("name") String name);

  /** Moves one token's last-use time forward, never back; unknown names match no row. */
  String TOUCH_TOKEN =
      "UPDATE tf_tokens SET last_used_at = :at WHERE name = :name AND (last_used_at IS NULL OR"
          + " last_used_at < :at)";

  /**
   * Bumps the token version, taking the row's lock (serialising token writers).
   *
   * @return 1
   */
  @SqlUpdate("UPDATE tf_token_version SET version = version + 1 WHERE id = 1")
  int bumpTokenVersion();

  /**
   * @return the token version
   */
  @SqlQuery("SELECT version FROM tf_token_version WHERE id = 1")
  List<Long> tokenVersion();

  /**
   * A token's columns for binding.
   *
   * @param name the name
   * @param role the role
   * @param tenant the tenant or null
   * @param sha256 the hash
   * @param createdAtMillis epoch milliseconds
   * @param createdBy the creator
   * @param lastUsedAtMillis epoch milliseconds or null
   */
  record TokenColumns(
      String name,
      String role,
      String tenant,
      String sha256,
      long createdAtMillis,
      String createdBy,
      Long lastUsedAtMillis) {
    /**
     * Extracts the columns.
     *
     * @param t the token
     */
    public TokenColumns(ApiToken t) {
      this(
          t.name(),
          t.role(),
          t.tenant(),
          t.sha256(),
          t.createdAt().toEpochMilli(),
          t.createdBy(),
          t.lastUsedAt() == null ? null : t.lastUsedAt().toEpochMilli());
    }
  }

  /** Maps usage rows. */
  final class UsageMapper implements org.jdbi.v3.core.mapper.RowMapper<UsageBucket> {
    @Override
    public UsageBucket map(ResultSet rs, StatementContext ctx) throws SQLException {
      long last = rs.getLong("last_evaluated_at");
      Instant lastAt = rs.wasNull() ? null : Instant.ofEpochMilli(last);
      return new UsageBucket(
          rs.getString("environment"),
          rs.getString("flag_key"),
          Instant.ofEpochMilli(rs.getLong("hour_start")),
          rs.getLong("true_count"),
          rs.getLong("false_count"),
          rs.getLong("refused_count"),
          lastAt);
    }
  }

  /** Maps (flag key, latest evaluation) rows. */
  final class LastEvaluatedMapper
      implements org.jdbi.v3.core.mapper.RowMapper<Map.Entry<String, Instant>> {
    @Override
    public Map.Entry<String, Instant> map(ResultSet rs, StatementContext ctx) throws SQLException {
      return Map.entry(
          rs.getString("flag_key"), Instant.ofEpochMilli(rs.getLong("last_evaluated_at")));
    }
  }

  /** Maps token rows. */
  final class TokenMapper implements org.jdbi.v3.core.mapper.RowMapper<ApiToken> {
    @Override
    public ApiToken map(ResultSet rs, StatementContext ctx) throws SQLException {
      long used = rs.getLong("last_used_at");
      Instant usedAt = rs.wasNull() ? null : Instant.ofEpochMilli(used);
      return new ApiToken(
          rs.getString("name"),
          rs.getString("role"),
          rs.getString("tenant"),
          rs.getString("sha256"),
          Instant.ofEpochMilli(rs.getLong("created_at")),
          rs.getString("created_by"),
          usedAt);
    }
  }
}
