package dev.tenantflags;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON export format of one environment's flags and overrides: what a bootstrap file holds,
 * what {@code flags-server --seed} reads, and what the admin API exports.
 *
 * <pre>{@code
 * {"environment": "production", "version": 42,
 *  "flags": [{"key": "new_billing_engine", "description": "", "module": "fin", "state": "ROLLOUT",
 *             "rolloutPercent": 25.5, "rolloutSalt": null, "scope": {"plan": ["pro"]},
 *             "prerequisites": [], "tenantEditable": false, "tags": ["beta"], "archived": false,
 *             "version": 3, "updatedAt": 1795262400000, "updatedBy": "alice"}],
 *  "overrides": [{"flagKey": "new_billing_engine", "tenantId": "acme", "enabled": true,
 *                 "locked": false, "note": null, "updatedAt": null, "updatedBy": null}]}
 * }</pre>
 *
 * <p>A flag's fields are those of {@link FlagFields}. When reading, every field but {@code key}
 * (and {@code flagKey}, {@code tenantId}, {@code enabled} of an override) is optional; unknown
 * fields are rejected; timestamps may be epoch milliseconds (as written) or ISO-8601 strings (as
 * written by 0.1). The text is read by a parser with depth, size and number limits (see {@link
 * #parse(String, String)}).
 *
 * <p>Thread safety: immutable.
 *
 * @param environment the environment the data came from
 * @param version the environment's change version at export
 * @param flags the flags
 * @param overrides the overrides
 */
public record FlagExport(
    String environment, long version, List<Flag> flags, List<TenantOverride> overrides) {

  private static final Set<String> OVERRIDE_FIELDS =
      Set.of("flagKey", "tenantId", "enabled", "locked", "note", "updatedAt", "updatedBy");
  private static final Set<String> EXPORT_FIELDS =
      Set.of("environment", "version", "flags", "overrides");

  /**
   * Creates an export.
   *
   * @throws FlagValidationException if the environment name is invalid
   */
  public FlagExport {
    Checks.environment(environment);
    flags = List.copyOf(Checks.notNull("flags", flags));
    overrides = List.copyOf(Checks.notNull("overrides", overrides));
  }

  /**
   * Writes this export as JSON.
   *
   * @return the JSON text
   */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("environment", environment);
    root.put("version", version);
    List<Object> flagList = new ArrayList<>();
    for (Flag flag : flags) {
      flagList.add(FlagFields.toMap(flag));
    }
    root.put("flags", flagList);
    List<Object> overrideList = new ArrayList<>();
    for (TenantOverride override : overrides) {
      overrideList.add(toMap(override));
    }
    root.put("overrides", overrideList);
    return Json.write(root);
  }

  /**
   * Parses an export. A bare JSON array is read as a list of flags (for seed files); the
   * environment is then {@code defaultEnvironment}. The parser allows nesting 64 deep, strings of
   * at most 1,000,000 characters and numbers of at most 1,000 characters, and judges numbers
   * without expanding them.
   *
   * @param json the JSON text
   * @param defaultEnvironment the environment to assume when the text does not name one
   * @return the export
   * @throws FlagValidationException naming the first malformed or invalid field
   */
  public static FlagExport parse(String json, String defaultEnvironment) {
    Object root = Json.parse(Checks.notNull("json", json));
    if (root instanceof List<?> list) {
      return new FlagExport(defaultEnvironment, 0, flags(list), List.of());
    }
    Map<String, Object> map = FlagFields.object("export", root);
    FlagFields.rejectUnknown("export", map.keySet(), EXPORT_FIELDS);
    String environment =
        map.get("environment") != null
            ? FlagFields.string("environment", map.get("environment"))
            : defaultEnvironment;
    long version =
        map.get("version") == null
            ? 0
            : Checks.wholeNumber("version", FlagFields.number("version", map.get("version")));
    List<Flag> flags = flags(FlagFields.list("flags", map.getOrDefault("flags", List.of())));
    List<TenantOverride> overrides = new ArrayList<>();
    for (Object item : FlagFields.list("overrides", map.getOrDefault("overrides", List.of()))) {
      overrides.add(fromMap(FlagFields.object("overrides", item)));
    }
    return new FlagExport(environment, version, flags, overrides);
  }

  private static List<Flag> flags(Collection<?> items) {
    List<Flag> flags = new ArrayList<>();
    for (Object item : items) {
      flags.add(FlagFields.fromMap("flags", FlagFields.object("flags", item)));
    }
    return flags;
  }

  /**
   * Returns an override in the export's JSON shape, as a map of JSON values in field order ({@code
   * updatedAt} in epoch milliseconds).
   *
   * @param override the override
   * @return a new mutable map
   */
  public static Map<String, Object> toMap(TenantOverride override) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("flagKey", override.flagKey());
    m.put("tenantId", override.tenantId());
    m.put("enabled", override.enabled());
    m.put("locked", override.locked());
    m.put("note", override.note());
    m.put("updatedAt", override.updatedAt() == null ? null : override.updatedAt().toEpochMilli());
    m.put("updatedBy", override.updatedBy());
    return m;
  }

  static Map<String, Object> toMap(Environment environment) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", environment.name());
    m.put("protected", environment.isProtected());
    return m;
  }

  private static TenantOverride fromMap(Map<String, Object> m) {
    FlagFields.rejectUnknown("overrides", m.keySet(), OVERRIDE_FIELDS);
    return new TenantOverride(
        FlagFields.string("flagKey", FlagFields.required("flagKey", m.get("flagKey"))),
        FlagFields.string("tenantId", FlagFields.required("tenantId", m.get("tenantId"))),
        FlagFields.bool("enabled", FlagFields.required("enabled", m.get("enabled"))),
        m.get("locked") != null && FlagFields.bool("locked", m.get("locked")),
        FlagFields.string("note", m.get("note")),
        FlagFields.instant("updatedAt", m.get("updatedAt")),
        FlagFields.string("updatedBy", m.get("updatedBy")));
  }
}
