package dev.tenantflags;

import dev.tenantflags.spi.UnreadableRowException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes over a flag row the store cannot read (SPEC §4): an ADMIN replaces it with a full
 * definition, or archives or kills it, which stores a default flag so the row is readable again.
 * Only the row's version column is trusted; the audit entry's {@code before} names the problem.
 */
final class UnreadableFlags {

  private UnreadableFlags() {}

  /** Archive and kill write a default flag; any other change needs a full replacement. */
  static Flag overUnreadable(
      FlagAdmin admin,
      UnreadableRowException e,
      long expectedVersion,
      AuditAction action,
      String comment) {
    String key = e.row().flagKey();
    Flag replacement =
        switch (action) {
          case FLAG_ARCHIVED -> Flag.of(key).withArchived(true);
          case FLAG_KILLED -> Flag.of(key).withState(FlagState.OFF);
          default -> throw e;
        };
    return writeOver(admin, e, expectedVersion, replacement, action, comment);
  }

  static Flag writeOver(
      FlagAdmin admin,
      UnreadableRowException e,
      long expectedVersion,
      Flag replacement,
      AuditAction action,
      String comment) {
    FlagAdmin.checkComment(comment);
    String key = e.row().flagKey();
    if (expectedVersion != FlagAdmin.ANY_VERSION && e.version() != expectedVersion) {
      throw new FlagConflictException(
          FlagConflictException.Kind.STALE_VERSION,
          "version of flag "
              + Checks.quote(key)
              + " is "
              + e.version()
              + ", not "
              + expectedVersion);
    }
    admin.checkPrerequisites(replacement);
    Instant now = admin.client.clock().instant();
    Flag stored = replacement.withVersion(e.version() + 1, now, admin.actor);
    admin.store.updateFlag(
        admin.environment,
        stored,
        e.version(),
        admin.entry(now, action, key, null, before(e), AuditJson.of(stored), comment));
    admin.client.refreshNow();
    return stored;
  }

  /** The audit entry's {@code before}: what was wrong with the row, since its value is unknown. */
  static String before(UnreadableRowException e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", e.row().flagKey());
    json.put("unreadable", true);
    json.put("problem", e.row().problem());
    json.put("version", e.version());
    return Json.write(json);
  }
}
