package dev.tenantflags;

/**
 * Thrown by {@link FlagAdmin} when a change names a flag or environment that does not exist;
 * nothing was changed.
 *
 * <p>Thread safety: immutable after construction.
 */
public final class FlagNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message a lower-case message naming what is missing
   */
  public FlagNotFoundException(String message) {
    super(message);
  }
}
