package dev.tenantflags.spi;

/**
 * Thrown by a {@link FlagStore} when the backing storage fails: unreachable, timed out, or an
 * unexpected database error. Stores wrap their native exceptions ({@code SQLException}, driver
 * exceptions) in this one type so callers handle one thing.
 *
 * <p>Thread safety: immutable after construction.
 */
public class FlagStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, without tenant data or SQL values
   * @param cause the underlying failure, or null
   */
  public FlagStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, without tenant data or SQL values
   */
  public FlagStoreException(String message) {
    super(message);
  }
}
