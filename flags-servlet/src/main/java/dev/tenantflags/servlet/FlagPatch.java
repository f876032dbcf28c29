package dev.tenantflags.servlet;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagFields;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A flag's JSON body (POST and PATCH) applied through the core field codec ({@link FlagFields}), so
 * a new field of {@code Flag} needs no change here. Only what belongs to the API is decided here:
 * {@code comment} is the change's "why", and the listing-only fields are read-only.
 */
final class FlagPatch {

  /** Fields only the API's listings carry. */
  private static final Set<String> LISTING_ONLY = Set.of("lastEvaluatedAt", "stale");

  static final Set<String> BODY_FIELDS;

  static {
    Set<String> fields = new LinkedHashSet<>(FlagFields.NAMES);
    fields.add("comment");
    fields.addAll(LISTING_ONLY);
    BODY_FIELDS = Set.copyOf(fields);
  }

  private FlagPatch() {}

  /** Applies a body's present fields to a flag; absent fields keep their value. */
  static Flag apply(RequestBody b, Flag flag) {
    for (String field : LISTING_ONLY) {
      if (b.has(field)) {
        throw Problem.badRequest(field, field + " is read-only");
      }
    }
    if (b.has("archived")) {
      throw Problem.badRequest(
          "archived",
          "archived is read-only; use DELETE to archive and POST .../restore to restore");
    }
    Map<String, Object> changes = b.toMap();
    changes.remove("comment");
    return FlagFields.patch(flag, changes);
  }
}
