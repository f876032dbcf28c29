-- tenantflags schema v1 (PostgreSQL). Times are epoch milliseconds (UTC).
-- Keys and tenant ids use the "C" collation: exact byte comparison, so 'ACME' <> 'acme', and sorting by code point.
CREATE TABLE tf_schema_version (
  version     INTEGER      NOT NULL PRIMARY KEY,
  description VARCHAR(200) NOT NULL,
  applied_at  BIGINT       NOT NULL
);

CREATE TABLE tf_environments (
  name           VARCHAR(32) COLLATE "C" NOT NULL PRIMARY KEY,
  protected      BOOLEAN     NOT NULL,
  deleted        BOOLEAN     NOT NULL,
  change_version BIGINT      NOT NULL
);

CREATE TABLE tf_flags (
  environment     VARCHAR(32)   COLLATE "C" NOT NULL,
  flag_key        VARCHAR(64)   COLLATE "C" NOT NULL,
  description     VARCHAR(1000) NOT NULL,
  module          VARCHAR(64),
  state           VARCHAR(16)   NOT NULL,
  rollout_bp      INTEGER       NOT NULL,
  rollout_salt    VARCHAR(256),
  scope           TEXT          NOT NULL,
  prerequisites   TEXT          NOT NULL,
  tenant_editable BOOLEAN       NOT NULL,
  tags            TEXT          NOT NULL,
  archived        BOOLEAN       NOT NULL,
  version         BIGINT        NOT NULL,
  updated_at      BIGINT,
  updated_by      VARCHAR(256),
  PRIMARY KEY (environment, flag_key)
);

CREATE TABLE tf_overrides (
  environment VARCHAR(32)  COLLATE "C" NOT NULL,
  flag_key    VARCHAR(64)  COLLATE "C" NOT NULL,
  tenant_id   VARCHAR(256) COLLATE "C" NOT NULL,
  enabled     BOOLEAN      NOT NULL,
  locked      BOOLEAN      NOT NULL,
  note        VARCHAR(1000),
  updated_at  BIGINT,
  updated_by  VARCHAR(256),
  PRIMARY KEY (environment, flag_key, tenant_id)
);

-- All overrides of one tenant: one range scan.
CREATE INDEX tf_overrides_tenant ON tf_overrides (environment, tenant_id, flag_key);

CREATE TABLE tf_audit (
  id             BIGSERIAL     NOT NULL PRIMARY KEY,
  created_at     BIGINT        NOT NULL,
  actor          VARCHAR(256)  NOT NULL,
  action         VARCHAR(32)   NOT NULL,
  environment    VARCHAR(32)   COLLATE "C" NOT NULL,
  flag_key       VARCHAR(64)   COLLATE "C",
  tenant_id      VARCHAR(256)  COLLATE "C",
  before_json    TEXT,
  after_json     TEXT,
  change_comment VARCHAR(1000)
);

-- Per-flag history and recent entries, newest first.
CREATE INDEX tf_audit_flag ON tf_audit (environment, flag_key, id);
CREATE INDEX tf_audit_recent ON tf_audit (environment, id);
