package dev.tenantflags.jdbc;

/**
 * What {@link JdbiFlagStore} does with the database schema when it starts.
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum SchemaMode {
  /**
   * Applies missing migrations, under a database lock so instances starting together do not race
   * (the default).
   */
  MIGRATE,
  /**
   * Checks that the schema is at exactly the version this library needs and fails start-up
   * otherwise; for databases whose DBA applies the DDL ({@link JdbiFlagStore#ddl(Dialect)}).
   */
  VALIDATE,
  /** Touches nothing and checks nothing. */
  NONE
}
