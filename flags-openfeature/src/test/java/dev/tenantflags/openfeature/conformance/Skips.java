package dev.tenantflags.openfeature.conformance;

import java.util.Map;
import java.util.Set;

/**
 * The conformance scenarios tenantflags skips, and why (docs/integrations.md repeats this table).
 * Keyed by scenario name and flag key: the suite's files are used unchanged, so tags cannot be
 * added to them.
 */
final class Skips {

  static final String NO_COUNTERPART =
      "tenantflags flags are boolean only: the fixture's non-boolean flag '%s' has no tenantflags"
          + " counterpart";

  static final String FATAL =
      "a tenantflags client never becomes fatal: it keeps retrying its store and reports ERROR,"
          + " so PROVIDER_FATAL cannot arise";

  /** Scenario name → flag key → reason. */
  private static final Map<String, Map<String, String>> BY_SCENARIO =
      Map.of(
          "Resolves zero value",
          Map.of(
              "boolean-zero-flag",
              "tenantflags has no statically-false flag: a flag off for everyone is OFF (reason"
                  + " DISABLED) or matches nobody (DEFAULT); STATIC is the reason of ON only"),
          "Resolves zero value with targeting",
          Map.of(
              "boolean-targeted-zero-flag",
              "tenantflags targeting switches a flag on for the tenants it matches; the fixture's"
                  + " rule switches it off (variant 'zero') for a match, which tenantflags cannot"
                  + " express"),
          "Flag metadata in evaluation details",
          Map.of("metadata-flag", "tenantflags flags carry no free-form flag metadata"),
          "Returns metadata",
          Map.of("metadata-flag", "tenantflags flags carry no free-form flag metadata"));

  /** Fixture flags that are not boolean (a boolean read of them is not a TYPE_MISMATCH here). */
  private static final Set<String> NON_BOOLEAN_PREFIXES =
      Set.of("string-", "integer-", "float-", "object-", "wrong-", "complex-");

  private Skips() {}

  /** Returns why a scenario evaluating {@code key} as {@code type} is skipped, or null. */
  static String reason(String scenario, String key, String type) {
    String reason = BY_SCENARIO.getOrDefault(scenario, Map.of()).get(key);
    if (reason != null) {
      return reason;
    }
    for (String prefix : NON_BOOLEAN_PREFIXES) {
      if (key.startsWith(prefix)) {
        return String.format(NO_COUNTERPART, key);
      }
    }
    return null;
  }
}
