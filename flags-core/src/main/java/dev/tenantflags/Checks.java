package dev.tenantflags;

import java.util.regex.Pattern;

/** Validation shared by the value types; every failure names the field and quotes the value. */
final class Checks {
  static final Pattern FLAG_KEY = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
  static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9_-]{1,32}");
  static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
  static final int MAX_DESCRIPTION = 1000;
  static final int MAX_TEXT = 1000;
  static final int MAX_NAME = 256;

  private Checks() {}

  static String flagKey(String field, String key) {
    if (key == null) {
      throw new FlagValidationException(field, field + " must not be null");
    }
    if (!FLAG_KEY.matcher(key).matches()) {
      throw new FlagValidationException(
          field, field + " must match ^[a-z][a-z0-9_.-]{0,63}$: " + quote(key));
    }
    return key;
  }

  static String environment(String name) {
    if (name == null) {
      throw new FlagValidationException("environment", "environment must not be null");
    }
    if (!ENVIRONMENT.matcher(name).matches()) {
      throw new FlagValidationException(
          "environment", "environment must match ^[a-z0-9_-]{1,32}$: " + quote(name));
    }
    return name;
  }

  static String tenantId(String field, String id) {
    if (id == null || id.isEmpty()) {
      throw new FlagValidationException(field, field + " must not be empty");
    }
    if (id.length() > MAX_NAME) {
      throw new FlagValidationException(
          field, field + " must be at most " + MAX_NAME + " characters: " + id.length());
    }
    return id;
  }

  /** Optional free text: null stays null. */
  static String text(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new FlagValidationException(
          field, field + " must be at most " + max + " characters: " + value.length());
    }
    return value;
  }

  static String required(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw new FlagValidationException(field, field + " must not be empty");
    }
    return text(field, value, max);
  }

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new FlagValidationException(field, field + " must not be null");
    }
    return value;
  }

  static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return "'" + shown + "'";
  }
}
