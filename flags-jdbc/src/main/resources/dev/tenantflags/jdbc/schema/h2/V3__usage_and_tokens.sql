-- tenantflags schema v3 (H2): usage counts per flag and hour (SPEC §8), added up by every
-- client instance, and the API tokens kept in the store (SPEC §6) with a version that every write
-- to them bumps, so that instances notice a revocation by polling one row.
CREATE TABLE tf_usage (
  environment       VARCHAR(32) NOT NULL,
  flag_key          VARCHAR(64) NOT NULL,
  hour_start        BIGINT      NOT NULL,
  true_count        BIGINT      NOT NULL,
  false_count       BIGINT      NOT NULL,
  refused_count     BIGINT      NOT NULL,
  last_evaluated_at BIGINT,
  PRIMARY KEY (environment, flag_key, hour_start)
);

CREATE TABLE tf_tokens (
  name         VARCHAR(64)  NOT NULL PRIMARY KEY,
  role         VARCHAR(16)  NOT NULL,
  tenant       VARCHAR(256),
  sha256       CHAR(64)     NOT NULL,
  created_at   BIGINT       NOT NULL,
  created_by   VARCHAR(256) NOT NULL,
  last_used_at BIGINT
);

CREATE TABLE tf_token_version (
  id      INTEGER NOT NULL PRIMARY KEY,
  version BIGINT  NOT NULL
);

INSERT INTO tf_token_version (id, version) VALUES (1, 0);
