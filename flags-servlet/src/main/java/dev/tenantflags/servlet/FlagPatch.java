package dev.tenantflags.servlet;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.FlagValidationException;
import dev.tenantflags.Scope;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A flag's JSON body (POST and PATCH): which fields it may carry, and how the present ones change a
 * flag. Numbers are judged on their digits and scale before any arithmetic, so {@code 1e999999999}
 * is a quick 400 rather than a billion-digit expansion.
 */
final class FlagPatch {

  private static final Set<String> FIELDS =
      Set.of(
          "key",
          "description",
          "module",
          "state",
          "rolloutPercent",
          "rolloutSalt",
          "scope",
          "prerequisites",
          "tenantEditable",
          "tags",
          "comment");
  private static final Set<String> READ_ONLY =
      Set.of("version", "updatedAt", "updatedBy", "archived", "lastEvaluatedAt", "stale");
  static final Set<String> BODY_FIELDS = union(FIELDS, READ_ONLY);
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private FlagPatch() {}

  static void rejectReadOnly(RequestBody b) {
    for (String field : READ_ONLY) {
      if (b.has(field)) {
        throw Problem.badRequest(
            field,
            field
                + " is read-only"
                + (field.equals("archived")
                    ? "; use DELETE to archive and POST .../restore to restore"
                    : ""));
      }
    }
  }

  /** Applies a body's present fields to a flag; absent fields keep their value. */
  static Flag apply(RequestBody b, Flag flag) {
    Flag f = flag;
    if (b.has("description")) {
      f = f.withDescription(b.string("description"));
    }
    if (b.has("module")) {
      f = f.withModule(b.string("module"));
    }
    if (b.has("state")) {
      String state = b.requiredString("state");
      try {
        f = f.withState(FlagState.valueOf(state));
      } catch (IllegalArgumentException e) {
        throw new FlagValidationException(
            "state",
            "state must be one of OFF, ON, TARGETED, ROLLOUT: " + RequestBody.quote(state));
      }
    }
    if (b.has("rolloutPercent")) {
      f = f.withRolloutPercent(percent(b.number("rolloutPercent")));
    }
    if (b.has("rolloutSalt")) {
      f = f.withRolloutSalt(b.string("rolloutSalt"));
    }
    if (b.has("scope")) {
      Map<String, Set<String>> axes = b.stringSets("scope");
      f = f.withScope(axes == null ? Scope.EMPTY : new Scope(axes));
    }
    if (b.has("prerequisites")) {
      List<String> p = b.strings("prerequisites");
      f = f.withPrerequisites(p == null ? List.of() : p);
    }
    if (b.has("tenantEditable")) {
      Boolean editable = b.bool("tenantEditable");
      if (editable == null) {
        throw new FlagValidationException("tenantEditable", "tenantEditable must be true or false");
      }
      f = f.withTenantEditable(editable);
    }
    if (b.has("tags")) {
      List<String> tags = b.strings("tags");
      f = f.withTags(tags == null ? List.of() : tags);
    }
    return f;
  }

  /**
   * A percentage judged without expansion: sign, integer digits ({@code precision - scale}) and
   * decimals are read off the BigDecimal's representation, never computed from its value.
   */
  static BigDecimal percent(BigDecimal value) {
    if (value == null) {
      throw new FlagValidationException("rolloutPercent", "rolloutPercent must be a number");
    }
    // toString() keeps the exponent form (1E+999999999); toPlainString() would expand it.
    String shown = RequestBody.quote(value.toString());
    if (value.signum() < 0 || value.precision() - value.scale() > 3) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be between 0 and 100: " + shown);
    }
    if (value.signum() != 0 && value.scale() > 2 && value.stripTrailingZeros().scale() > 2) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must have at most two decimals: " + shown);
    }
    if (value.compareTo(HUNDRED) > 0) {
      throw new FlagValidationException(
          "rolloutPercent", "rolloutPercent must be between 0 and 100: " + shown);
    }
    return value;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }
}
