package dev.tenantflags;

import dev.tenantflags.spi.UnreadableRowException;
import java.util.Optional;

/** {@link FlagAdmin#ensure}: declared flags that respect operators' edits. */
final class Declarations {

  private Declarations() {}

  static EnsureResult ensure(FlagAdmin admin, Flag declared) {
    Checks.notNull("flag", declared);
    Optional<Flag> existing;
    try {
      existing = admin.store.loadFlag(admin.environment, declared.key());
    } catch (UnreadableRowException e) {
      // An unreadable row is left for an operator to replace or archive (SPEC §4): start-up goes
      // on.
      return EnsureResult.KEPT_OPERATOR_CHANGES;
    }
    if (existing.isEmpty()) {
      try {
        admin.create(declared, "declared by ensure");
        return EnsureResult.CREATED;
      } catch (FlagConflictException e) {
        // Another instance declared it at the same moment; theirs stands.
        return EnsureResult.UNCHANGED;
      }
    }
    Flag current = existing.get();
    if (current.sameConfiguration(
        declared.withVersion(current.version(), current.updatedAt(), current.updatedBy()))) {
      return EnsureResult.UNCHANGED;
    }
    // The actor name stamped on flags written by ensure; anything else is an operator's edit.
    if (!admin.actor.equals(current.updatedBy())) {
      return EnsureResult.KEPT_OPERATOR_CHANGES;
    }
    try {
      admin.change(
          current.key(),
          current.version(),
          f -> declared.withArchived(f.archived()),
          AuditAction.FLAG_UPDATED,
          "declared by ensure");
      return EnsureResult.UPDATED;
    } catch (FlagConflictException | UnreadableRowException e) {
      return EnsureResult.KEPT_OPERATOR_CHANGES;
    }
  }
}
