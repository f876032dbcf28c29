-- tenantflags schema v2 (SQLite): the change log that tells clients whose overrides changed
-- after a given change version, so they drop only those tenants from their caches.
CREATE TABLE tf_changes (
  environment    VARCHAR(32)  NOT NULL,
  change_version BIGINT       NOT NULL,
  tenant_id      VARCHAR(256),
  every_tenant   BOOLEAN      NOT NULL,
  PRIMARY KEY (environment, change_version)
);
