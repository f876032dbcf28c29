package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class EmbeddedPostgresFlagStoreTest extends JdbcStoreContract {
  private TestDatabases.TestDb db;

  @Override
  protected String url() {
    if (db == null) {
      db = TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
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

  @Test
  void create_postgres_subscribesUnlessPollingOnly() throws Exception {
    assertThat(((JdbiFlagStore) store).dialect()).isEqualTo(Dialect.POSTGRESQL);
    var subscription = store.subscribe(ENV, v -> {});
    assertThat(subscription).isPresent();
    subscription.get().close();
    try (JdbiFlagStore polling = JdbiFlagStore.builder().jdbcUrl(url()).pollingOnly(true).build()) {
      assertThat(polling.subscribe(ENV, v -> {})).isEmpty();
    }
  }
}
