package dev.tenantflags;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON export format of one environment's flags and overrides: what a bootstrap file holds,
 * what {@code flags-server --seed} reads, and the shape the REST API uses for a flag.
 *
 * <pre>{@code
 * {"environment": "production", "version": 42,
 *  "flags": [{"key": "new_billing_engine", "description": "", "module": "fin", "state": "ROLLOUT",
 *             "rolloutPercent": 25.5, "rolloutSalt": null, "scope": {"plan": ["pro"]},
 *             "prerequisites": [], "tenantEditable": false, "tags": ["beta"], "archived": false,
 *             "version": 3, "updatedAt": "2026-11-21T12:00:00Z", "updatedBy": "alice"}],
 *  "overrides": [{"flagKey": "new_billing_engine", "tenantId": "acme", "enabled": true,
 *                 "locked": false, "note": null}]}
 * }</pre>
 *
 * <p>When reading, every field but {@code key} (and {@code flagKey}, {@code tenantId}, {@code
 * enabled} of an override) is optional; unknown fields are rejected.
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

  private static final Set<String> FLAG_FIELDS =
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
          "archived",
          "version",
          "updatedAt",
          "updatedBy");
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
      flagList.add(toMap(flag));
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
   * environment is then {@code defaultEnvironment}.
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
    Map<String, Object> map = object("export", root, EXPORT_FIELDS);
    String environment =
        map.containsKey("environment")
            ? string("environment", map.get("environment"))
            : defaultEnvironment;
    long version =
        map.containsKey("version") ? number("version", map.get("version")).longValue() : 0;
    List<Flag> flags = flags(list("flags", map.getOrDefault("flags", List.of())));
    List<TenantOverride> overrides = new ArrayList<>();
    for (Object item : list("overrides", map.getOrDefault("overrides", List.of()))) {
      overrides.add(overrideFromMap(object("overrides", item, OVERRIDE_FIELDS)));
    }
    return new FlagExport(environment, version, flags, overrides);
  }

  private static List<Flag> flags(List<?> items) {
    List<Flag> flags = new ArrayList<>();
    for (Object item : items) {
      flags.add(flagFromMap(object("flags", item, FLAG_FIELDS)));
    }
    return flags;
  }

  /**
   * Returns a flag in the export's JSON shape, as a map of JSON-ready values (strings, booleans,
   * numbers, lists, sets and maps) in field order. The REST API and audit entries use the same
   * shape.
   *
   * @param flag the flag
   * @return a new mutable map
   */
  public static Map<String, Object> toMap(Flag flag) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", flag.key());
    m.put("description", flag.description());
    m.put("module", flag.module());
    m.put("state", flag.state().name());
    m.put("rolloutPercent", flag.rolloutPercent());
    m.put("rolloutSalt", flag.rolloutSalt());
    m.put("scope", flag.scope().axes());
    m.put("prerequisites", flag.prerequisites());
    m.put("tenantEditable", flag.tenantEditable());
    m.put("tags", flag.tags());
    m.put("archived", flag.archived());
    m.put("version", flag.version());
    m.put("updatedAt", flag.updatedAt() == null ? null : flag.updatedAt().toString());
    m.put("updatedBy", flag.updatedBy());
    return m;
  }

  /**
   * Returns an override in the export's JSON shape, as a map of JSON-ready values in field order.
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
    m.put("updatedAt", override.updatedAt() == null ? null : override.updatedAt().toString());
    m.put("updatedBy", override.updatedBy());
    return m;
  }

  static Map<String, Object> toMap(Environment environment) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", environment.name());
    m.put("protected", environment.isProtected());
    return m;
  }

  private static Flag flagFromMap(Map<String, Object> m) {
    Flag flag = Flag.of(string("key", m.get("key")));
    if (m.get("description") != null) {
      flag = flag.withDescription(string("description", m.get("description")));
    }
    if (m.get("module") != null) {
      flag = flag.withModule(string("module", m.get("module")));
    }
    if (m.get("state") != null) {
      String state = string("state", m.get("state"));
      try {
        flag = flag.withState(FlagState.valueOf(state));
      } catch (IllegalArgumentException e) {
        throw new FlagValidationException(
            "state", "state must be one of OFF, ON, TARGETED, ROLLOUT: " + Checks.quote(state));
      }
    }
    if (m.get("rolloutPercent") != null) {
      flag = flag.withRolloutPercent(number("rolloutPercent", m.get("rolloutPercent")));
    }
    if (m.get("rolloutSalt") != null) {
      flag = flag.withRolloutSalt(string("rolloutSalt", m.get("rolloutSalt")));
    }
    if (m.get("scope") != null) {
      Map<String, Set<String>> axes = new TreeMap<>();
      for (Map.Entry<String, Object> axis : object("scope", m.get("scope"), null).entrySet()) {
        axes.put(axis.getKey(), new TreeSet<>(strings("scope", axis.getValue())));
      }
      flag = flag.withScope(new Scope(axes));
    }
    if (m.get("prerequisites") != null) {
      flag = flag.withPrerequisites(strings("prerequisites", m.get("prerequisites")));
    }
    if (m.get("tenantEditable") != null) {
      flag = flag.withTenantEditable(bool("tenantEditable", m.get("tenantEditable")));
    }
    if (m.get("tags") != null) {
      flag = flag.withTags(strings("tags", m.get("tags")));
    }
    if (m.get("archived") != null) {
      flag = flag.withArchived(bool("archived", m.get("archived")));
    }
    long version = m.get("version") == null ? 0 : number("version", m.get("version")).longValue();
    String updatedBy = m.get("updatedBy") == null ? null : string("updatedBy", m.get("updatedBy"));
    return flag.withVersion(version, instant("updatedAt", m.get("updatedAt")), updatedBy);
  }

  private static TenantOverride overrideFromMap(Map<String, Object> m) {
    return new TenantOverride(
        string("flagKey", m.get("flagKey")),
        string("tenantId", m.get("tenantId")),
        bool("enabled", m.get("enabled")),
        m.get("locked") != null && bool("locked", m.get("locked")),
        m.get("note") == null ? null : string("note", m.get("note")),
        instant("updatedAt", m.get("updatedAt")),
        m.get("updatedBy") == null ? null : string("updatedBy", m.get("updatedBy")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String field, Object value, Set<String> allowed) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new FlagValidationException(field, field + " must be a JSON object");
    }
    if (allowed != null) {
      for (Object name : map.keySet()) {
        if (!allowed.contains(name)) {
          throw new FlagValidationException(
              String.valueOf(name),
              "unknown field in " + field + ": " + Checks.quote(String.valueOf(name)));
        }
      }
    }
    return (Map<String, Object>) map;
  }

  private static List<?> list(String field, Object value) {
    if (!(value instanceof List<?> list)) {
      throw new FlagValidationException(field, field + " must be a JSON array");
    }
    return list;
  }

  private static Collection<String> strings(String field, Object value) {
    List<String> out = new ArrayList<>();
    for (Object item : list(field, value)) {
      out.add(string(field, item));
    }
    return out;
  }

  private static String string(String field, Object value) {
    if (!(value instanceof String s)) {
      throw new FlagValidationException(field, field + " must be a string");
    }
    return s;
  }

  private static BigDecimal number(String field, Object value) {
    if (!(value instanceof BigDecimal d)) {
      throw new FlagValidationException(field, field + " must be a number");
    }
    return d;
  }

  private static boolean bool(String field, Object value) {
    if (!(value instanceof Boolean b)) {
      throw new FlagValidationException(field, field + " must be true or false");
    }
    return b;
  }

  private static Instant instant(String field, Object value) {
    if (value == null) {
      return null;
    }
    String s = string(field, value);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new FlagValidationException(
          field, field + " must be an ISO-8601 instant: " + Checks.quote(s));
    }
  }
}
