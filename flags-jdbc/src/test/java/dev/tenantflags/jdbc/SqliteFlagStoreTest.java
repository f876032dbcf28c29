package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SqliteFlagStoreTest extends JdbcStoreContract {
  @TempDir Path dir;

  @Override
  protected String url() {
    return TestDatabases.sqliteUrl(dir);
  }

  @Override
  protected String auditFailureDdl() {
    return "CREATE TRIGGER tf_test_boom BEFORE INSERT ON tf_audit WHEN NEW.change_comment = 'boom'"
        + " BEGIN SELECT RAISE(ABORT, 'audit refused'); END";
  }

  @Test
  void create_sqliteFile_usesWalAndDoesNotPush() {
    assertThat(((JdbiFlagStore) store).dialect()).isEqualTo(Dialect.SQLITE);
    assertThat(store.subscribe(ENV, v -> {})).isEmpty();
    try (var c = java.sql.DriverManager.getConnection(url());
        var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
