package dev.tenantflags;

import java.util.Objects;

/**
 * Thrown when input to a public API breaks a rule of SPEC §2; nothing was changed.
 *
 * <p>The message is lower-case, names the field and quotes the offending value, for example {@code
 * rolloutPercent must be between 0 and 100: 100.5}. {@link #field()} names the field so that an
 * HTTP layer can point at it.
 *
 * <p>Thread safety: immutable after construction.
 */
public final class FlagValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the name of the invalid field, as used in the JSON format (e.g. {@code
   *     rolloutPercent})
   * @param message a lower-case message naming the field and the value
   */
  public FlagValidationException(String field, String message) {
    super(message);
    this.field = Objects.requireNonNull(field, "field");
  }

  /**
   * Returns the invalid field's name.
   *
   * @return the field name, never null
   */
  public String field() {
    return field;
  }
}
