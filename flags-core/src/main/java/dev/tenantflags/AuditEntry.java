package dev.tenantflags;

import java.time.Instant;

/**
 * One audited change: who changed what, when, from what to what, and why (SPEC §2). Written in the
 * same transaction as the change; never updated or deleted.
 *
 * <p>Thread safety: immutable.
 *
 * @param id assigned by the store, increasing; 0 before the entry is stored
 * @param at when the change was made (UTC)
 * @param actor who made it
 * @param action what it did
 * @param environment the environment it changed
 * @param flagKey the flag it changed, or null for environment changes
 * @param tenantId the tenant, for override changes; otherwise null
 * @param before JSON of the changed object before, or null where absent
 * @param after JSON of the changed object after, or null where absent
 * @param comment the caller's optional "why", or null
 */
public record AuditEntry(
    long id,
    Instant at,
    String actor,
    AuditAction action,
    String environment,
    String flagKey,
    String tenantId,
    String before,
    String after,
    String comment) {

  /**
   * Creates an audit entry.
   *
   * @throws FlagValidationException if a required field is missing or too long
   */
  public AuditEntry {
    at = Checks.millis(Checks.notNull("at", at));
    Checks.required("actor", actor, Checks.MAX_NAME);
    Checks.notNull("action", action);
    Checks.environment(environment);
    Checks.text("comment", comment, Checks.MAX_TEXT);
  }

  /**
   * Returns a copy with the id the store assigned.
   *
   * @param id the assigned id
   * @return the copy
   */
  public AuditEntry withId(long id) {
    return new AuditEntry(
        id, at, actor, action, environment, flagKey, tenantId, before, after, comment);
  }
}
