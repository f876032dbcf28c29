package dev.tenantflags.jdbc.internal;

/**
 * Every kind of call the JDBC store makes, with what the failure handling needs to know about it:
 * the words its error messages start with, whether it may be retried once on a fresh connection,
 * and whether it is a bulk read that gets a longer statement timeout. Not part of the public API.
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum Operation {
  /** Reads the schema version. */
  READ_SCHEMA_VERSION("read schema version", Kind.READ),
  /** Loads every flag of an environment. */
  LOAD_FLAGS("load flags", Kind.BULK_READ),
  /** Loads one flag. */
  LOAD_FLAG("load flag", Kind.READ),
  /** Loads one tenant's overrides. */
  LOAD_TENANT_OVERRIDES("load tenant overrides", Kind.READ),
  /** Loads one flag's overrides. */
  LOAD_FLAG_OVERRIDES("load flag overrides", Kind.BULK_READ),
  /** Loads every override of an environment. */
  LOAD_OVERRIDES("load overrides", Kind.BULK_READ),
  /** Counts an environment's overrides. */
  COUNT_OVERRIDES("count overrides", Kind.READ),
  /** Reads an environment's change version. */
  READ_CHANGE_VERSION("read change version", Kind.READ),
  /** Reads the change log. */
  READ_CHANGES("read changes", Kind.READ),
  /** Lists environments. */
  LIST_ENVIRONMENTS("list environments", Kind.READ),
  /** Reads audit entries. */
  READ_AUDIT("read audit", Kind.READ),
  /** Creates a flag. */
  CREATE_FLAG("create flag", Kind.WRITE),
  /** Replaces a flag. */
  UPDATE_FLAG("update flag", Kind.WRITE),
  /** Sets an override. */
  PUT_OVERRIDE("put override", Kind.WRITE),
  /** Clears an override. */
  DELETE_OVERRIDE("delete override", Kind.WRITE),
  /** Creates an environment. */
  CREATE_ENVIRONMENT("create environment", Kind.WRITE),
  /** Deletes an environment. */
  DELETE_ENVIRONMENT("delete environment", Kind.WRITE),
  /** Adds usage counts; additive, so never retried (the first attempt may have committed). */
  ADD_USAGE("add usage", Kind.WRITE),
  /** Reads one flag's usage buckets. */
  READ_USAGE("read usage", Kind.READ),
  /** Reads the last evaluation time of every flag. */
  READ_LAST_EVALUATED("read last evaluated", Kind.BULK_READ),
  /** Lists API tokens. */
  LIST_TOKENS("list tokens", Kind.READ),
  /** Creates an API token. */
  CREATE_TOKEN("create token", Kind.WRITE),
  /** Revokes an API token. */
  REVOKE_TOKEN("revoke token", Kind.WRITE),
  /** Records last-use times; "never earlier" makes a repeat harmless, so it may be retried. */
  TOUCH_TOKENS("touch tokens", Kind.IDEMPOTENT_WRITE),
  /** Reads the token version. */
  READ_TOKEN_VERSION("read token version", Kind.READ);

  /** How a failed call may be handled. */
  private enum Kind {
    READ,
    BULK_READ,
    WRITE,
    IDEMPOTENT_WRITE
  }

  private final String label;
  private final Kind kind;

  Operation(String label, Kind kind) {
    this.label = label;
    this.kind = kind;
  }

  /**
   * Returns the words error messages start with.
   *
   * @return e.g. {@code load flags}
   */
  public String label() {
    return label;
  }

  /**
   * Whether a failure on a connection that a database restart broke may be retried once on a fresh
   * one: reads and idempotent writes, never other writes (their commit may have happened).
   *
   * @return true if retryable
   */
  public boolean retryable() {
    return kind != Kind.WRITE;
  }

  /**
   * Whether this reads a whole table's worth of an environment, and so gets a longer statement
   * timeout than single-row calls.
   *
   * @return true for bulk reads
   */
  public boolean bulk() {
    return kind == Kind.BULK_READ;
  }
}
