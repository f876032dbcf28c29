package dev.tenantflags.server;

/**
 * A command-line option is unknown, missing its value, or invalid. The message names the option and
 * is meant to be printed as-is; {@code flags-server} then exits with code 2.
 *
 * <p>Thread safety: immutable.
 */
public final class UsageException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the option
   */
  public UsageException(String message) {
    super(message);
  }
}
