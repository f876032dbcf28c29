package dev.tenantflags.servlet;

/** The API's resource classes, one per resource, as the router's table refers to them. */
record Resources(
    StatusResource status,
    EnvironmentsResource environments,
    FlagsResource flags,
    UsageResource usage,
    TenantsResource tenants,
    OverridesResource overrides,
    AuditResource audit,
    EvaluateResource evaluate,
    TokensResource tokens,
    RelayResource relay) {}
