package dev.tenantflags;

/**
 * A filter over the audit log, newest first. Null fields do not filter.
 *
 * <p>Thread safety: immutable.
 *
 * @param environment only entries of this environment, or null for all
 * @param flagKey only entries of this flag, or null
 * @param actor only entries by this actor, or null
 * @param tenantId only entries about this tenant's overrides, or null
 * @param beforeId only entries with an id below this (for paging), or null
 * @param limit the most entries to return, 1 to {@value #MAX_LIMIT}
 */
public record AuditQuery(
    String environment, String flagKey, String actor, String tenantId, Long beforeId, int limit) {

  /** The most entries one query returns. */
  public static final int MAX_LIMIT = 1000;

  /**
   * Creates a query.
   *
   * @throws FlagValidationException if {@code limit} is out of range
   */
  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new FlagValidationException(
          "limit", "limit must be between 1 and " + MAX_LIMIT + ": " + limit);
    }
  }

  /**
   * Returns the newest entries of one environment.
   *
   * @param environment the environment
   * @param limit 1 to 1000
   * @return the query
   */
  public static AuditQuery recent(String environment, int limit) {
    return new AuditQuery(environment, null, null, null, null, limit);
  }

  /**
   * Tells whether an entry passes this filter; stores may use it to filter in memory.
   *
   * @param entry an audit entry
   * @return whether it matches every non-null field
   */
  public boolean matches(AuditEntry entry) {
    return (environment == null || environment.equals(entry.environment()))
        && (flagKey == null || flagKey.equals(entry.flagKey()))
        && (actor == null || actor.equals(entry.actor()))
        && (tenantId == null || tenantId.equals(entry.tenantId()))
        && (beforeId == null || entry.id() < beforeId);
  }
}
