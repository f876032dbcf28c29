package dev.tenantflags;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON that audit entries record as {@code before} and {@code after}. Stateless. */
final class AuditJson {
  private AuditJson() {}

  static String of(Flag flag) {
    return FlagFields.toJson(flag);
  }

  static String of(TenantOverride override) {
    return Json.write(FlagExport.toMap(override));
  }

  static String of(Environment environment) {
    return Json.write(FlagExport.toMap(environment));
  }

  /** A token as audited: name, role, tenant; never its hash. */
  static String of(ApiToken token) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", token.name());
    map.put("role", token.role());
    map.put("tenant", token.tenant());
    return Json.write(map);
  }
}
