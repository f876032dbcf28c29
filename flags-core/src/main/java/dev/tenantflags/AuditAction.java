package dev.tenantflags;

/** What an audited change did (SPEC §2). Thread safety: enum constants are immutable. */
public enum AuditAction {
  /** A flag was created. */
  FLAG_CREATED,
  /** A flag's configuration changed. */
  FLAG_UPDATED,
  /** A flag was archived (soft-deleted). */
  FLAG_ARCHIVED,
  /** An archived flag was restored. */
  FLAG_RESTORED,
  /** A flag was switched OFF with the kill switch. */
  FLAG_KILLED,
  /** A tenant override was set or changed. */
  OVERRIDE_SET,
  /** A tenant override was removed. */
  OVERRIDE_CLEARED,
  /** An environment was created. */
  ENVIRONMENT_CREATED,
  /** An environment and all its flags and overrides were deleted. */
  ENVIRONMENT_DELETED,
  /** An API token was created (SPEC §6). */
  TOKEN_CREATED,
  /** An API token was revoked. */
  TOKEN_REVOKED
}
