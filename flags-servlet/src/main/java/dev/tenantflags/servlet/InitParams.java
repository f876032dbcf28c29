package dev.tenantflags.servlet;

import java.util.LinkedHashSet;
import java.util.Set;

/** Reading init-parameters of {@code web.xml} registrations: defaults and comma-separated lists. */
final class InitParams {

  private InitParams() {}

  static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** A comma-separated list, blanks dropped; empty when absent. */
  static Set<String> list(String value) {
    Set<String> out = new LinkedHashSet<>();
    if (value != null) {
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }
}
