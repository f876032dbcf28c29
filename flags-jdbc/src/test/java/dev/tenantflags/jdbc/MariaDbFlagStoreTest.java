package dev.tenantflags.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the contract on the MariaDB/MySQL named by {@code FLAGS_TEST_MYSQL_URL}; skipped when unset.
 */
final class MariaDbFlagStoreTest extends JdbcStoreContract {
  private TestDatabases.TestDb db;

  @BeforeAll
  static void requireServer() {
    assumeTrue(
        TestDatabases.MYSQL_URL != null && !TestDatabases.MYSQL_URL.isBlank(),
        "FLAGS_TEST_MYSQL_URL is not set");
  }

  @Override
  protected String url() {
    if (db == null) {
      db = TestDatabases.freshMysql(TestDatabases.MYSQL_URL);
    }
    return db.url();
  }

  @Override
  protected String auditFailureDdl() {
    return "ALTER TABLE tf_audit ADD CONSTRAINT tf_test_boom CHECK (change_comment <> 'boom')";
  }

  @Override
  protected void dropDatabase() {
    db.close();
  }
}
