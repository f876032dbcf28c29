package dev.tenantflags.jdbc.internal;

import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The SQL every dialect shares, as a JDBI SQL object. Values are always bound, never concatenated.
 * Not part of the public API.
 *
 * <p>Thread safety: attach per handle; a handle is used by one thread at a time.
 */
public interface StoreDao {

  // ---- environments ----------------------------------------------------------------------------

  /**
   * @return the change version of an environment row, live or deleted
   * @param name the name
   */
  @SqlQuery("SELECT change_version FROM tf_environments WHERE name = :name")
  Optional<Long> changeVersion(@Bind("name") String name);

  /**
   * Bumps a live environment's version, taking its row lock; 0 when it does not exist or is
   * deleted.
   *
   * @param name the name
   * @return the number of rows changed
   */
  @SqlUpdate(
      "UPDATE tf_environments SET change_version = change_version + 1 WHERE name = :name AND"
          + " deleted = FALSE")
  int bumpLive(@Bind("name") String name);

  /**
   * Bumps an environment's version, bringing a deleted one back with the implicit protection.
   *
   * @param name the name
   * @param implicitProtected the protection a revived environment gets
   * @return the number of rows changed
   */
  @SqlUpdate(
      "UPDATE tf_environments SET protected = CASE WHEN deleted THEN :implicitProtected ELSE"
          + " protected END, deleted = FALSE, change_version = change_version + 1 WHERE name ="
          + " :name")
  int bumpReviving(@Bind("name") String name, @Bind("implicitProtected") boolean implicitProtected);

  /**
   * Makes a deleted (or just inserted) environment live; 0 when it is live already.
   *
   * @param name the name
   * @param isProtected whether it is protected
   * @return the number of rows changed
   */
  @SqlUpdate(
      "UPDATE tf_environments SET protected = :protected, deleted = FALSE, change_version ="
          + " change_version + 1 WHERE name = :name AND deleted = TRUE")
  int revive(@Bind("name") String name, @Bind("protected") boolean isProtected);

  /**
   * Marks a live environment deleted, keeping its row so its version keeps rising; 0 when absent.
   *
   * @param name the name
   * @return the number of rows changed
   */
  @SqlUpdate(
      "UPDATE tf_environments SET deleted = TRUE, change_version = change_version + 1"
          + " WHERE name = :name AND deleted = FALSE")
  int tombstone(@Bind("name") String name);

  /**
   * @return the live environments by name
   */
  @SqlQuery("SELECT name, protected FROM tf_environments WHERE deleted = FALSE ORDER BY name")
  @RegisterRowMapper(EnvironmentMapper.class)
  List<Environment> environments();

  // ---- flags -----------------------------------------------------------------------------------

  /**
   * @return every flag of an environment and whether it has overrides, in key order
   * @param environment the environment
   */
  @SqlQuery(
      "SELECT "
          + Rows.FLAG_COLUMNS
          + ", CASE WHEN EXISTS (SELECT 1 FROM tf_overrides o WHERE o.environment = f.environment"
          + " AND o.flag_key = f.flag_key) THEN 1 ELSE 0 END AS has_overrides FROM tf_flags f WHERE"
          + " f.environment = :environment ORDER BY f.flag_key")
  @RegisterRowMapper(FlagRow.Mapper.class)
  List<FlagRow> flags(@Bind("environment") String environment);

  /**
   * @return one flag
   * @param environment the environment
   * @param key the key
   */
  @SqlQuery(
      "SELECT "
          + Rows.FLAG_COLUMNS
          + " FROM tf_flags WHERE environment = :environment AND flag_key = :key")
  @RegisterRowMapper(FlagMapper.class)
  Optional<Rows.Mapped<Flag>> flag(
      @Bind("environment") String environment, @Bind("key") String key);

  /**
   * @return the stored version of one flag
   * @param environment the environment
   * @param key the key
   */
  @SqlQuery("SELECT version FROM tf_flags WHERE environment = :environment AND flag_key = :key")
  Optional<Long> flagVersion(@Bind("environment") String environment, @Bind("key") String key);

  /**
   * Inserts a flag row.
   *
   * @param flag the flag
   */
  @SqlUpdate(
      "INSERT INTO tf_flags (environment, flag_key, description, module, state, rollout_bp,"
          + " rollout_salt, scope, prerequisites, tenant_editable, tags, archived, version,"
          + " updated_at, updated_by) VALUES (:environment, :flagKey, :description, :module,"
          + " :state, :rolloutBp, :rolloutSalt, :scope, :prerequisites, :tenantEditable, :tags,"
          + " :archived, :version, :updatedAt, :updatedBy)")
  void insertFlag(@BindMethods FlagColumns flag);

  /**
   * Replaces a flag row if its version is {@code expectedVersion}; 0 rows when stale or absent.
   *
   * @param flag the flag
   * @param expectedVersion the expected version
   * @return the number of rows changed
   */
  @SqlUpdate(
      "UPDATE tf_flags SET description = :description, module = :module, state = :state, rollout_bp"
          + " = :rolloutBp, rollout_salt = :rolloutSalt, scope = :scope, prerequisites ="
          + " :prerequisites, tenant_editable = :tenantEditable, tags = :tags, archived ="
          + " :archived, version = :version, updated_at = :updatedAt, updated_by = :updatedBy WHERE"
          + " environment = :environment AND flag_key = :flagKey AND version = :expectedVersion")
  int updateFlag(@BindMethods FlagColumns flag, @Bind("expectedVersion") long expectedVersion);

  /**
   * Deletes every flag of an environment.
   *
   * @param environment the environment
   * @return the number of rows changed
   */
  @SqlUpdate("DELETE FROM tf_flags WHERE environment = :environment")
  int deleteFlags(@Bind("environment") String environment);

  // ---- overrides -------------------------------------------------------------------------------

  /**
   * @return one tenant's overrides: a range scan of tf_overrides_tenant
   * @param environment the environment
   * @param tenantId the tenant id
   */
  @SqlQuery(
      "SELECT "
          + Rows.OVERRIDE_COLUMNS
          + " FROM tf_overrides WHERE environment = :environment"
          + " AND tenant_id = :tenantId ORDER BY flag_key")
  @RegisterRowMapper(OverrideMapper.class)
  List<Rows.Mapped<TenantOverride>> tenantOverrides(
      @Bind("environment") String environment, @Bind("tenantId") String tenantId);

  /**
   * @return one flag's overrides: a range scan of the primary key
   * @param environment the environment
   * @param flagKey the flag key
   */
  @SqlQuery(
      "SELECT "
          + Rows.OVERRIDE_COLUMNS
          + " FROM tf_overrides WHERE environment = :environment"
          + " AND flag_key = :flagKey ORDER BY tenant_id")
  @RegisterRowMapper(OverrideMapper.class)
  List<Rows.Mapped<TenantOverride>> flagOverrides(
      @Bind("environment") String environment, @Bind("flagKey") String flagKey);

  /**
   * @return one override, or empty
   * @param environment the environment
   * @param flagKey the flag key
   * @param tenantId the tenant id
   */
  @SqlQuery(
      "SELECT "
          + Rows.OVERRIDE_COLUMNS
          + " FROM tf_overrides WHERE environment = :environment"
          + " AND flag_key = :flagKey AND tenant_id = :tenantId")
  @RegisterRowMapper(OverrideMapper.class)
  Optional<Rows.Mapped<TenantOverride>> override(
      @Bind("environment") String environment,
      @Bind("flagKey") String flagKey,
      @Bind("tenantId") String tenantId);

  /**
   * @return every override of an environment
   * @param environment the environment
   */
  @SqlQuery(
      "SELECT "
          + Rows.OVERRIDE_COLUMNS
          + " FROM tf_overrides WHERE environment = :environment ORDER BY flag_key, tenant_id")
  @RegisterRowMapper(OverrideMapper.class)
  List<Rows.Mapped<TenantOverride>> allOverrides(@Bind("environment") String environment);

  /**
   * @return the number of overrides of an environment
   * @param environment the environment
   */
  @SqlQuery("SELECT COUNT(*) FROM tf_overrides WHERE environment = :environment")
  long overrideCount(@Bind("environment") String environment);

  /**
   * Deletes one override; 0 when absent.
   *
   * @param environment the environment
   * @param flagKey the flag key
   * @param tenantId the tenant id
   * @return the number of rows changed
   */
  @SqlUpdate(
      "DELETE FROM tf_overrides WHERE environment = :environment AND flag_key = :flagKey AND"
          + " tenant_id = :tenantId")
  int deleteOverride(
      @Bind("environment") String environment,
      @Bind("flagKey") String flagKey,
      @Bind("tenantId") String tenantId);

  /**
   * Deletes every override of an environment.
   *
   * @param environment the environment
   * @return the number of rows changed
   */
  @SqlUpdate("DELETE FROM tf_overrides WHERE environment = :environment")
  int deleteOverrides(@Bind("environment") String environment);

  // ---- audit and change log --------------------------------------------------------------------

  /**
   * Appends an audit row. @return its generated id
   *
   * @param at the at
   * @param actor the actor
   * @param action the action
   * @param environment the environment
   * @param flagKey the flag key
   * @param tenantId the tenant id
   * @param before the before
   * @param after the after
   * @param comment the comment
   * @return the result
   */
  @SqlUpdate(
      "INSERT INTO tf_audit (created_at, actor, action, environment, flag_key, tenant_id,"
          + " before_json, after_json, change_comment) VALUES (:at, :actor, :action, :environment,"
          + " :flagKey, :tenantId, :before, :after, :comment)")
  @GetGeneratedKeys("id")
  long insertAudit(
      @Bind("at") long at,
      @Bind("actor") String actor,
      @Bind("action") String action,
      @Bind("environment") String environment,
      @Bind("flagKey") String flagKey,
      @Bind("tenantId") String tenantId,
      @Bind("before") String before,
      @Bind("after") String after,
      @Bind("comment") String comment);

  /**
   * Records which tenant (or every tenant) a change version touched.
   *
   * @param environment the environment
   * @param version the version
   * @param tenantId the tenant id
   * @param everyTenant the every tenant
   */
  @SqlUpdate(
      "INSERT INTO tf_changes (environment, change_version, tenant_id, every_tenant)"
          + " VALUES (:environment, :version, :tenantId, :everyTenant)")
  void insertChange(
      @Bind("environment") String environment,
      @Bind("version") long version,
      @Bind("tenantId") String tenantId,
      @Bind("everyTenant") boolean everyTenant);

  /**
   * Forgets change-log rows at or below a version.
   *
   * @param environment the environment
   * @param version the version
   * @return the number of rows changed
   */
  @SqlUpdate(
      "DELETE FROM tf_changes WHERE environment = :environment AND change_version <= :version")
  int pruneChanges(@Bind("environment") String environment, @Bind("version") long version);

  /**
   * @return the change-log rows in {@code (since, until]}
   * @param environment the environment
   * @param since the since
   * @param until the until
   */
  @SqlQuery(
      "SELECT change_version, tenant_id, every_tenant FROM tf_changes WHERE environment ="
          + " :environment AND change_version > :since AND change_version <= :until")
  @RegisterRowMapper(ChangeRow.Mapper.class)
  List<ChangeRow> changes(
      @Bind("environment") String environment,
      @Bind("since") long since,
      @Bind("until") long until);

  /** Maps environments. */
  final class EnvironmentMapper implements org.jdbi.v3.core.mapper.RowMapper<Environment> {
    @Override
    public Environment map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
        throws java.sql.SQLException {
      return Rows.ENVIRONMENT.map(rs, ctx);
    }
  }

  /** Maps flags. */
  final class FlagMapper implements org.jdbi.v3.core.mapper.RowMapper<Rows.Mapped<Flag>> {
    @Override
    public Rows.Mapped<Flag> map(
        java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
        throws java.sql.SQLException {
      return Rows.flag(rs);
    }
  }

  /** Maps overrides. */
  final class OverrideMapper
      implements org.jdbi.v3.core.mapper.RowMapper<Rows.Mapped<TenantOverride>> {
    @Override
    public Rows.Mapped<TenantOverride> map(
        java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
        throws java.sql.SQLException {
      return Rows.OVERRIDE.map(rs, ctx);
    }
  }

  /**
   * A flag and whether it has overrides.
   *
   * @param flag the flag, or why it could not be read
   * @param hasOverrides whether at least one override exists
   */
  record FlagRow(Rows.Mapped<Flag> flag, boolean hasOverrides) {
    /** Maps flag rows with their {@code has_overrides} column. */
    public static final class Mapper implements org.jdbi.v3.core.mapper.RowMapper<FlagRow> {
      @Override
      public FlagRow map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
          throws java.sql.SQLException {
        return new FlagRow(Rows.flag(rs), rs.getInt("has_overrides") != 0);
      }
    }
  }

  /**
   * One change-log row.
   *
   * @param version the change version
   * @param tenantId the tenant whose override changed, or null
   * @param everyTenant whether every tenant's overrides changed (environment deleted)
   */
  record ChangeRow(long version, String tenantId, boolean everyTenant) {
    /** Maps change-log rows. */
    public static final class Mapper implements org.jdbi.v3.core.mapper.RowMapper<ChangeRow> {
      @Override
      public ChangeRow map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
          throws java.sql.SQLException {
        return new ChangeRow(
            rs.getLong("change_version"), rs.getString("tenant_id"), rs.getBoolean("every_tenant"));
      }
    }
  }
}
