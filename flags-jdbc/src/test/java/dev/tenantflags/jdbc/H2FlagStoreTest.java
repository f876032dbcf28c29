package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class H2FlagStoreTest extends JdbcStoreContract {
  @TempDir Path dir;

  @Override
  protected String url() {
    return TestDatabases.h2Url(dir);
  }

  @Override
  protected String auditFailureDdl() {
    return "ALTER TABLE tf_audit ADD CONSTRAINT tf_test_boom CHECK (change_comment <> 'boom')";
  }

  @Test
  void create_h2_detectsDialectAndDoesNotPush() {
    assertThat(((JdbiFlagStore) store).dialect()).isEqualTo(Dialect.H2);
    assertThat(store.subscribe(ENV, v -> {})).isEmpty();
  }
}
