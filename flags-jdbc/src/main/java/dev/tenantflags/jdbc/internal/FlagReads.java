package dev.tenantflags.jdbc.internal;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagSet;
import dev.tenantflags.spi.OverrideSet;
import dev.tenantflags.spi.UnreadableRow;
import dev.tenantflags.spi.UnreadableRowException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.Query;

/*
 * Unreadable rows: bulk reads (loadFlags, loadOverrides) report them beside the readable ones; the
 * per-tenant and per-flag override reads skip them (they are reported by loadOverrides, and the
 * client holds every override of its environment from that read); loadFlag of an unreadable row
 * throws a FlagStoreException that names the problem, since it has no value to return and "absent"
 * would invite a create over the existing key. updateFlag never reads the old row, so a replacement
 * works over an unreadable one.
 */
/**
 * The store's reads of flags, overrides, environments, the change log and the audit. Not part of
 * the public API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FlagReads {
  /** The change log keeps the last this many versions per environment. */
  public static final int CHANGE_LOG_LIMIT = 10_000;

  private final StoreCalls calls;

  /**
   * Creates the reads.
   *
   * @param calls runs the calls
   */
  public FlagReads(StoreCalls calls) {
    this.calls = calls;
  }

  /**
   * See {@code FlagStore.loadFlags}.
   *
   * @param environment the environment
   * @return the flags and unreadable rows
   */
  public FlagSet loadFlags(String environment) {
    return calls.snapshot(
        Operation.LOAD_FLAGS,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          // Version first: under weaker isolation the flags are then at least as new as the
          // version, and a client that sees an older version than the data reloads once more.
          long version = dao.changeVersion(environment).orElse(0L);
          List<Flag> flags = new ArrayList<>();
          List<UnreadableRow> unreadable = new ArrayList<>();
          Set<String> withOverrides = new HashSet<>();
          for (StoreDao.FlagRow row : dao.flags(environment)) {
            if (row.flag().value() != null) {
              flags.add(row.flag().value());
              if (row.hasOverrides()) {
                withOverrides.add(row.flag().value().key());
              }
            } else {
              unreadable.add(row.flag().unreadable());
            }
          }
          flags.sort(Comparator.comparing(Flag::key));
          return new FlagSet(version, flags, withOverrides, unreadable);
        });
  }

  /**
   * See {@code FlagStore.loadFlag}.
   *
   * @param environment the environment
   * @param key the key
   * @return the flag
   * @throws UnreadableRowException if the row is unreadable, with its stored version
   */
  public Optional<Flag> loadFlag(String environment, String key) {
    Optional<Rows.Mapped<Flag>> row =
        calls.read(Operation.LOAD_FLAG, h -> h.attach(StoreDao.class).flag(environment, key));
    if (row.isPresent() && row.get().value() == null) {
      // The version column alone is read again, so the caller can replace the row (SPEC §4).
      long version =
          calls
              .read(
                  Operation.LOAD_FLAG, h -> h.attach(StoreDao.class).flagVersion(environment, key))
              .orElse(0L);
      throw new UnreadableRowException(row.get().unreadable(), version);
    }
    return row.map(Rows.Mapped::value);
  }

  /**
   * See {@code FlagStore.loadTenantOverrides}.
   *
   * @param environment the environment
   * @param tenantId the tenant
   * @return readable overrides in flag-key order
   */
  public List<TenantOverride> loadTenantOverrides(String environment, String tenantId) {
    List<TenantOverride> list =
        readable(
            calls.read(
                Operation.LOAD_TENANT_OVERRIDES,
                h -> h.attach(StoreDao.class).tenantOverrides(environment, tenantId)));
    list.sort(Comparator.comparing(TenantOverride::flagKey));
    return list;
  }

  /**
   * See {@code FlagStore.loadFlagOverrides}.
   *
   * @param environment the environment
   * @param flagKey the flag
   * @return readable overrides in tenant order
   */
  public List<TenantOverride> loadFlagOverrides(String environment, String flagKey) {
    List<TenantOverride> list =
        readable(
            calls.read(
                Operation.LOAD_FLAG_OVERRIDES,
                h -> h.attach(StoreDao.class).flagOverrides(environment, flagKey)));
    list.sort(Comparator.comparing(TenantOverride::tenantId));
    return list;
  }

  /**
   * See {@code FlagStore.loadOverrides}.
   *
   * @param environment the environment
   * @return every override and the unreadable rows
   */
  public OverrideSet loadOverrides(String environment) {
    return calls.snapshot(
        Operation.LOAD_OVERRIDES,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          long version = dao.changeVersion(environment).orElse(0L);
          List<TenantOverride> overrides = new ArrayList<>();
          List<UnreadableRow> unreadable = new ArrayList<>();
          for (Rows.Mapped<TenantOverride> row : dao.allOverrides(environment)) {
            if (row.value() != null) {
              overrides.add(row.value());
            } else {
              unreadable.add(row.unreadable());
            }
          }
          // The database's order depends on its collation; the SPI promises Java string order.
          overrides.sort(
              Comparator.comparing(TenantOverride::flagKey)
                  .thenComparing(TenantOverride::tenantId));
          return new OverrideSet(version, overrides, unreadable);
        });
  }

  /**
   * See {@code FlagStore.overrideCount}.
   *
   * @param environment the environment
   * @return the count
   */
  public long overrideCount(String environment) {
    return calls.read(
        Operation.COUNT_OVERRIDES, h -> h.attach(StoreDao.class).overrideCount(environment));
  }

  /**
   * See {@code FlagStore.changeVersion}.
   *
   * @param environment the environment
   * @return the version
   */
  public long changeVersion(String environment) {
    return calls.read(
        Operation.READ_CHANGE_VERSION,
        h -> h.attach(StoreDao.class).changeVersion(environment).orElse(0L));
  }

  /**
   * See {@code FlagStore.changesSince}.
   *
   * @param environment the environment
   * @param sinceVersion the version
   * @return the changes
   */
  public ChangeSet changesSince(String environment, long sinceVersion) {
    return calls.snapshot(
        Operation.READ_CHANGES,
        h -> {
          StoreDao dao = h.attach(StoreDao.class);
          long current = dao.changeVersion(environment).orElse(0L);
          if (sinceVersion >= current) {
            return new ChangeSet(current, Set.of(), true);
          }
          if (sinceVersion < 0 || current - sinceVersion > CHANGE_LOG_LIMIT) {
            return ChangeSet.unknown(current);
          }
          List<StoreDao.ChangeRow> rows = dao.changes(environment, sinceVersion, current);
          Set<String> tenants = new HashSet<>();
          for (StoreDao.ChangeRow row : rows) {
            if (row.everyTenant()) {
              return ChangeSet.unknown(current);
            }
            if (row.tenantId() != null) {
              tenants.add(row.tenantId());
            }
          }
          // One row per version: fewer rows means the log was pruned or predates schema v2.
          if (rows.size() != current - sinceVersion) {
            return ChangeSet.unknown(current);
          }
          return new ChangeSet(current, tenants, true);
        });
  }

  /**
   * See {@code FlagStore.environments}.
   *
   * @return the live environments
   */
  public List<Environment> environments() {
    return calls.read(Operation.LIST_ENVIRONMENTS, h -> h.attach(StoreDao.class).environments());
  }

  /**
   * See {@code FlagStore.audit}.
   *
   * @param query the filter
   * @return the entries, newest first
   */
  public List<AuditEntry> audit(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    // Only fixed fragments are appended; every value is bound.
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(Rows.AUDIT_COLUMNS)
            .append(" FROM tf_audit WHERE 1 = 1");
    if (query.environment() != null) {
      sql.append(" AND environment = :environment");
    }
    if (query.flagKey() != null) {
      sql.append(" AND flag_key = :flagKey");
    }
    if (query.actor() != null) {
      sql.append(" AND actor = :actor");
    }
    if (query.tenantId() != null) {
      sql.append(" AND tenant_id = :tenantId");
    }
    if (query.beforeId() != null) {
      sql.append(" AND id < :beforeId");
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return calls.read(
        Operation.READ_AUDIT,
        h -> {
          Query q = h.createQuery(sql.toString());
          if (query.environment() != null) {
            q.bind("environment", query.environment());
          }
          if (query.flagKey() != null) {
            q.bind("flagKey", query.flagKey());
          }
          if (query.actor() != null) {
            q.bind("actor", query.actor());
          }
          if (query.tenantId() != null) {
            q.bind("tenantId", query.tenantId());
          }
          if (query.beforeId() != null) {
            q.bind("beforeId", query.beforeId().longValue());
          }
          return q.bind("limit", query.limit()).map(Rows.AUDIT).list();
        });
  }

  private static List<TenantOverride> readable(List<Rows.Mapped<TenantOverride>> rows) {
    List<TenantOverride> out = new ArrayList<>(rows.size());
    for (Rows.Mapped<TenantOverride> row : rows) {
      if (row.value() != null) {
        out.add(row.value());
      }
    }
    return out;
  }
}
