package dev.tenantflags;

/** What {@link FlagAdmin#ensure(Flag)} did with a declared flag. Thread safety: immutable. */
public enum EnsureResult {
  /** The flag did not exist and was created as declared. */
  CREATED,
  /** The flag was last written by ensure and now matches the new declaration. */
  UPDATED,
  /** The stored flag already matched the declaration. */
  UNCHANGED,
  /** An operator changed the flag since it was declared; their changes were kept. */
  KEPT_OPERATOR_CHANGES
}
