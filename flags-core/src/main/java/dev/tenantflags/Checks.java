package dev.tenantflags;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/*
 * Validation shared by the value types (SPEC §2, §4, §6). Every failure is a FlagValidationException
 * that names the field and quotes at most the first 64 characters of the value.
 *
 * Hostile input: every check here costs time linear in the input and bounded before any expensive
 * step. Lengths are checked before patterns and character scans; numbers are judged by precision,
 * scale and adjusted exponent before any arithmetic or formatting, because a BigDecimal such as
 * 1e999999999 is 11 bytes but a billion digits once expanded.
 */
/** Validation shared by the value types; every failure names the field and quotes the value. */
final class Checks {
  static final Pattern FLAG_KEY = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
  static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9_-]{1,32}");
  static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
  static final int MAX_DESCRIPTION = 1000;
  static final int MAX_TEXT = 1000;
  static final int MAX_NAME = 256;

  /** The most characters of a value an error message quotes. */
  static final int MAX_QUOTED = 64;

  /** The most significant digits a number may have before it is judged too long to read. */
  static final int MAX_DIGITS = 64;

  private Checks() {}

  static String flagKey(String field, String key) {
    if (key == null) {
      throw new FlagValidationException(field, field + " must not be null");
    }
    if (key.length() > 64 || !FLAG_KEY.matcher(key).matches()) {
      throw new FlagValidationException(
          field, field + " must match ^[a-z][a-z0-9_.-]{0,63}$: " + quote(key));
    }
    return key;
  }

  static String environment(String name) {
    if (name == null) {
      throw new FlagValidationException("environment", "environment must not be null");
    }
    if (name.length() > 32 || !ENVIRONMENT.matcher(name).matches()) {
      throw new FlagValidationException(
          "environment", "environment must match ^[a-z0-9_-]{1,32}$: " + quote(name));
    }
    return name;
  }

  /** An attribute or scope axis name; {@code what} is how the message calls it. */
  static String attributeName(String field, String what, String name) {
    if (name == null || name.length() > 64 || !ATTRIBUTE.matcher(name).matches()) {
      throw new FlagValidationException(
          field,
          what
              + " must match ^[A-Za-z_][A-Za-z0-9_.-]{0,63}$: "
              + (name == null ? "null" : quote(name)));
    }
    return name;
  }

  static String tenantId(String field, String id) {
    return name(field, id, MAX_NAME);
  }

  /**
   * An identifier-like string (tenant id, actor, salt): non-empty, at most {@code max} characters,
   * no control character at all.
   */
  static String name(String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new FlagValidationException(field, field + " must not be empty");
    }
    if (value.length() > max) {
      throw new FlagValidationException(
          field, field + " must be at most " + max + " characters: " + value.length());
    }
    int bad = firstControl(value, false);
    if (bad >= 0) {
      throw controlCharacter(field, value, bad);
    }
    return value;
  }

  /** An optional name: null stays null, otherwise as {@link #name}. */
  static String optionalName(String field, String value, int max) {
    return value == null ? null : name(field, value, max);
  }

  /**
   * Optional free text: null stays null; at most {@code max} characters; no control characters
   * other than tab and newline (SPEC §6).
   */
  static String text(String field, String value, int max) {
    if (value == null) {
      return null;
    }
    if (value.length() > max) {
      throw new FlagValidationException(
          field, field + " must be at most " + max + " characters: " + value.length());
    }
    int bad = firstControl(value, true);
    if (bad >= 0) {
      throw controlCharacter(field, value, bad);
    }
    return value;
  }

  /** A required name, such as the actor of a change: not blank, otherwise as {@link #name}. */
  static String required(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw new FlagValidationException(field, field + " must not be empty");
    }
    return name(field, value, max);
  }

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new FlagValidationException(field, field + " must not be null");
    }
    return value;
  }

  /**
   * Truncates a timestamp to milliseconds, the precision every store keeps and JSON carries (epoch
   * milliseconds), so a value reads back equal from any store or export; null stays null.
   */
  static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Returns the index of the first ISO control character (U+0000–U+001F, U+007F–U+009F), or -1. Tab
   * and newline count only when {@code allowTabAndNewline} is false.
   */
  static int firstControl(String value, boolean allowTabAndNewline) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && !(allowTabAndNewline && (c == '\t' || c == '\n'))) {
        return i;
      }
    }
    return -1;
  }

  private static FlagValidationException controlCharacter(String field, String value, int index) {
    return new FlagValidationException(
        field,
        field
            + " must not contain control characters: "
            + String.format("U+%04X", (int) value.charAt(index))
            + " at index "
            + index);
  }

  /**
   * Quotes a value for an error message: at most {@value #MAX_QUOTED} characters, control
   * characters escaped, so a hostile value can neither flood nor forge a message or a log line.
   */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    int end = Math.min(value.length(), MAX_QUOTED);
    if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
      end--; // never cut a surrogate pair in half
    }
    StringBuilder out = new StringBuilder(end + 8).append('\'');
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (end < value.length()) {
      out.append('…');
    }
    return out.append('\'').toString();
  }

  /**
   * Shows a number in an error message without expanding it: plain when short, else scientific,
   * quoted like any value.
   */
  static String show(BigDecimal number) {
    if (number.precision() > MAX_DIGITS) {
      return "a number of " + number.precision() + " digits";
    }
    boolean plain = number.scale() >= -MAX_DIGITS && number.scale() <= MAX_DIGITS;
    String text = plain ? number.toPlainString() : number.toString();
    return text.length() > MAX_QUOTED ? quote(text) : text;
  }

  /**
   * The power of ten of a non-zero number's leading digit ({@code 25.5 → 1}, {@code 0.07 → -2}),
   * computed from precision and scale alone.
   */
  static long magnitude(BigDecimal number) {
    return (long) number.precision() - number.scale() - 1;
  }

  /**
   * Reads a whole number that fits a long, judging magnitude before any conversion: {@code
   * 1e999999999} and {@code 1e-999999999} are rejected in constant time.
   */
  static long wholeNumber(String field, BigDecimal number) {
    notNull(field, number);
    if (number.signum() == 0) {
      return 0;
    }
    long magnitude = magnitude(number);
    if (magnitude < 0 || number.precision() > 2 * MAX_DIGITS) {
      throw new FlagValidationException(field, field + " must be a whole number: " + show(number));
    }
    if (magnitude > 18) {
      throw new FlagValidationException(field, field + " is out of range: " + show(number));
    }
    try {
      // Magnitude 0..18 and bounded precision: the scale is bounded too, so this is cheap.
      return number.longValueExact();
    } catch (ArithmeticException e) {
      throw new FlagValidationException(
          field, field + " must be a whole number in range: " + show(number));
    }
  }
}
