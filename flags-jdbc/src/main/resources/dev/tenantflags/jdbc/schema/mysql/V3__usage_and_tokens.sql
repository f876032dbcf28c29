-- tenantflags schema v3 (MariaDB / MySQL).
-- 1. Exact keys: utf8mb4_bin is a PAD SPACE collation ('acme' = 'acme '), so every table moves to a
--    NO PAD binary collation: ${binary_collation} (utf8mb4_0900_bin on MySQL 8, utf8mb4_nopad_bin on
--    MariaDB; chosen at migration time). Existing rows cannot collide: PAD SPACE equality is wider.
-- 2. Usage counts per flag and hour (SPEC §8), and the API tokens kept in the store (SPEC §6) with
--    a version that every write to them bumps.
ALTER TABLE tf_schema_version CONVERT TO CHARACTER SET utf8mb4 COLLATE ${binary_collation};
ALTER TABLE tf_environments CONVERT TO CHARACTER SET utf8mb4 COLLATE ${binary_collation};
ALTER TABLE tf_flags CONVERT TO CHARACTER SET utf8mb4 COLLATE ${binary_collation};
ALTER TABLE tf_overrides CONVERT TO CHARACTER SET utf8mb4 COLLATE ${binary_collation};
ALTER TABLE tf_audit CONVERT TO CHARACTER SET utf8mb4 COLLATE ${binary_collation};
ALTER TABLE tf_changes CONVERT TO CHARACTER SET utf8mb4 COLLATE ${binary_collation};

CREATE TABLE tf_usage (
  environment       VARCHAR(32) NOT NULL,
  flag_key          VARCHAR(64) NOT NULL,
  hour_start        BIGINT      NOT NULL,
  true_count        BIGINT      NOT NULL,
  false_count       BIGINT      NOT NULL,
  refused_count     BIGINT      NOT NULL,
  last_evaluated_at BIGINT,
  PRIMARY KEY (environment, flag_key, hour_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${binary_collation};

CREATE TABLE tf_tokens (
  name         VARCHAR(64)  NOT NULL PRIMARY KEY,
  role         VARCHAR(16)  NOT NULL,
  tenant       VARCHAR(256),
  sha256       CHAR(64)     NOT NULL,
  created_at   BIGINT       NOT NULL,
  created_by   VARCHAR(256) NOT NULL,
  last_used_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${binary_collation};

CREATE TABLE tf_token_version (
  id      INTEGER NOT NULL PRIMARY KEY,
  version BIGINT  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${binary_collation};

INSERT INTO tf_token_version (id, version) VALUES (1, 0);
