package dev.tenantflags;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One tenant's overrides as the client caches them: flag key to value. Immutable once built. */
final class TenantOverrides {
  static final TenantOverrides NONE = new TenantOverrides(Map.of(), false);
  /** Used when the store could not be asked; evaluations say their overrides were unavailable. */
  static final TenantOverrides UNAVAILABLE = new TenantOverrides(Map.of(), true);

  private final Map<String, Boolean> byFlag;
  final boolean unavailable;

  private TenantOverrides(Map<String, Boolean> byFlag, boolean unavailable) {
    this.byFlag = byFlag;
    this.unavailable = unavailable;
  }

  static TenantOverrides of(List<Override> overrides) {
    if (overrides.isEmpty()) {
      return NONE;
    }
    Map<String, Boolean> byFlag = new HashMap<>();
    for (Override override : overrides) {
      byFlag.put(override.flagKey(), override.enabled());
    }
    return new TenantOverrides(byFlag, false);
  }

  /** The override of a flag, or null; returns cached Boolean instances, so it allocates nothing. */
  Boolean get(String flagKey) {
    return byFlag.get(flagKey);
  }
}
