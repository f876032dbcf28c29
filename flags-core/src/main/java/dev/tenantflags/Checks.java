package dev.tenantflags;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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

  /** The longest label (module, tag). */
  static final int MAX_LABEL = 64;

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

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
   * An identifier-like string (tenant id, actor, salt, label): non-empty, at most {@code max}
   * characters, no control characters other than tab and newline (SPEC §6, one rule for all text).
   */
  static String name(String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new FlagValidationException(field, field + " must not be empty");
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
      if (c >= 0x20 && c < 0x7f) {
        continue; // printable ASCII, the common case: no control character, no surrogate
      }
      if (Character.isISOControl(c) && !(allowTabAndNewline && (c == '\t' || c == '\n'))) {
        return i;
      }
      // An unpaired surrogate is not text: UTF-8 cannot encode it, so a database would store "?"
      // and two different values could become one. Refused like a control character.
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static FlagValidationException controlCharacter(String field, String value, int index) {
    if (Character.isSurrogate(value.charAt(index))) {
      return new FlagValidationException(
          field,
          field
              + " must be valid unicode text: unpaired surrogate "
              + String.format("U+%04X", (int) value.charAt(index))
              + " at index "
              + index);
    }
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

  // ---- the rules of Flag's fields, shared by its constructor and its builder's setters ---------

  /** The percentage in basis points, judged without expansion (see {@link Flag#basisPoints}). */
  static int percent(BigDecimal percent) {
    notNull("rolloutPercent", percent);
    if (percent.signum() == 0) {
      return 0;
    }
    long magnitude = magnitude(percent);
    // Magnitude first: compareTo is cheap once the magnitude is known to be small.
    if (percent.signum() < 0 || magnitude > 2 || percent.compareTo(HUNDRED) > 0) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be between 0 and 100: " + show(percent));
    }
    if (magnitude < -2 || percent.precision() > MAX_DIGITS) {
      // Below 0.01 but not zero, or more digits than any percentage with trailing zeros needs.
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must have at most 2 decimals: " + show(percent));
    }
    // Now 0.01 <= percent <= 100 with at most 64 digits: the arithmetic below is cheap.
    BigDecimal stripped = percent.stripTrailingZeros();
    if (stripped.scale() > 2) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must have at most 2 decimals: " + show(percent));
    }
    return stripped.movePointRight(2).intValueExact();
  }

  /** Parses a percentage given as a decimal string such as {@code "25.5"} or {@code "2.55E1"}. */
  static int parsePercent(String percent) {
    notNull("rolloutPercent", percent);
    String trimmed = percent.trim();
    // A percentage never needs 64 characters; longer input is not parsed at all.
    if (trimmed.isEmpty() || trimmed.length() > MAX_DIGITS) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be a number: " + quote(percent));
    }
    BigDecimal number;
    try {
      number = new BigDecimal(trimmed);
    } catch (NumberFormatException e) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be a number: " + quote(percent));
    }
    return percent(number);
  }

  static String description(String description) {
    return description == null ? "" : text("description", description, MAX_DESCRIPTION);
  }

  static String module(String module) {
    if (module == null || module.isBlank()) {
      return null;
    }
    return name("module", module, MAX_LABEL);
  }

  static int basisPoints(int basisPoints) {
    if (basisPoints < 0 || basisPoints > Flag.MAX_BASIS_POINTS) {
      throw new FlagValidationException(
          "rolloutPercent",
          "rolloutPercent must be between 0 and 100: "
              + show(BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros()));
    }
    return basisPoints;
  }

  static List<String> prerequisites(Collection<String> prerequisites) {
    notNull("prerequisites", prerequisites);
    if (prerequisites.size() > Flag.MAX_PREREQUISITES) {
      throw new FlagValidationException(
          "prerequisites",
          "prerequisites must hold at most "
              + Flag.MAX_PREREQUISITES
              + " keys: "
              + prerequisites.size());
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String prerequisite : prerequisites) {
      flagKey("prerequisites", prerequisite);
      if (!seen.add(prerequisite)) {
        throw new FlagValidationException(
            "prerequisites", "prerequisites must not repeat a key: " + quote(prerequisite));
      }
    }
    return List.copyOf(seen);
  }

  static Set<String> tags(Collection<String> tags) {
    notNull("tags", tags);
    Set<String> sorted = new TreeSet<>();
    for (String tag : tags) {
      if (tag == null || tag.isBlank() || tag.length() > MAX_LABEL) {
        throw new FlagValidationException("tags", "tags must be 1 to 64 characters: " + quote(tag));
      }
      name("tags", tag, MAX_LABEL);
      sorted.add(tag);
      if (sorted.size() > Flag.MAX_TAGS) {
        throw new FlagValidationException(
            "tags", "tags must hold at most " + Flag.MAX_TAGS + " tags: " + tags.size());
      }
    }
    return Collections.unmodifiableSet(sorted);
  }

  static long version(long version) {
    if (version < 0) {
      throw new FlagValidationException("version", "version must not be negative: " + version);
    }
    return version;
  }
}
