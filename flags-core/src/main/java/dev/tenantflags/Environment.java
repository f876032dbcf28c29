package dev.tenantflags;

/**
 * A namespace of flag configurations and overrides (SPEC §2), such as {@code production}.
 *
 * <p>In a protected environment only ADMIN may change anything; {@code production} is protected
 * when created implicitly. Thread safety: immutable.
 *
 * @param name {@code ^[a-z0-9_-]{1,32}$}
 * @param isProtected whether only ADMIN may change anything in it
 */
public record Environment(String name, boolean isProtected) {

  /** The name of the environment that is protected by default. */
  public static final String PRODUCTION = "production";

  /**
   * Creates an environment value.
   *
   * @throws FlagValidationException if the name does not match the pattern
   */
  public Environment {
    Checks.environment(name);
  }

  /**
   * Returns the environment a store creates on first write when none was created explicitly:
   * protected exactly when it is {@code production}.
   *
   * @param name the environment name
   * @return the default environment of that name
   */
  public static Environment implicit(String name) {
    return new Environment(name, PRODUCTION.equals(name));
  }
}
