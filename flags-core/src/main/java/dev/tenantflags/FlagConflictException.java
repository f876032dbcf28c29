package dev.tenantflags;

import java.util.Objects;

/**
 * Thrown when a change conflicts with the stored state: the flag already exists, it was changed
 * since the caller read it (optimistic locking), or the override is locked. Nothing was changed.
 *
 * <p>Thread safety: immutable after construction.
 */
public final class FlagConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of conflict occurred. */
  public enum Kind {
    /** Creating something that already exists. */
    ALREADY_EXISTS,
    /** The expected version is not the stored version (HTTP 412). */
    STALE_VERSION,
    /** The override is locked and the caller may not change locked overrides. */
    LOCKED
  }

  private final Kind kind;

  /**
   * Creates the exception.
   *
   * @param kind the kind of conflict
   * @param message a lower-case message naming the object and the conflict
   */
  public FlagConflictException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * Returns the kind of conflict.
   *
   * @return the kind, never null
   */
  public Kind kind() {
    return kind;
  }

  /** The refusal of a change to a locked override by an admin that respects locks. */
  static FlagConflictException locked(String key, String tenantId) {
    return new FlagConflictException(
        Kind.LOCKED,
        "override of flag "
            + Checks.quote(key)
            + " for tenant "
            + Checks.quote(tenantId)
            + " is locked; only an admin may change locked overrides");
  }
}
