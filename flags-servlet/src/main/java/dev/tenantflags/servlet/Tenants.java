package dev.tenantflags.servlet;

import dev.tenantflags.TenantKey;

/** Tenant id checks shared by the filter, resolvers and the admin servlet. */
final class Tenants {
  static final int MAX_ID = 256;

  private Tenants() {}

  /** A key for a plausible id, or null: a resolver must not throw on a client's bad header. */
  static TenantKey keyOrNull(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID) {
      return null;
    }
    return TenantKey.of(id);
  }
}
