package dev.tenantflags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.Flag;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.jdbc.internal.FlagColumns;
import dev.tenantflags.jdbc.internal.OverrideColumns;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Test;

/**
 * 1,000 flags and 100,000 overrides (10,000 tenants with 10 each) in PostgreSQL: loading one
 * tenant's overrides, which the client does on first sight of a tenant, must be one indexed range
 * read. Reports the figures; asserts only a generous functional bound (speed is flags-jmh's job).
 */
final class ScaleTest {
  private static final String ENV = "production";
  private static final int FLAGS = 1_000;
  private static final int TENANTS = 10_000;
  private static final int PER_TENANT = 10;

  @Test
  void loadTenantOverrides_100kOverridesInPostgres_isOneFastRangeRead() throws Exception {
    try (TestDatabases.TestDb db =
            TestDatabases.freshPostgres(TestDatabases.embeddedPostgresUrl());
        JdbiFlagStore store = JdbiFlagStore.create(db.url())) {
      long t0 = System.nanoTime();
      Jdbi.create(db.url())
          .useTransaction(
              h -> {
                h.execute(
                    "INSERT INTO tf_environments (name, protected, deleted, change_version) VALUES"
                        + " (?, TRUE, FALSE, 1)",
                    ENV);
                Instant at = Instant.now();
                PreparedBatch flags =
                    h.prepareBatch(
                        "INSERT INTO tf_flags (environment, flag_key, description, module, state,"
                            + " rollout_bp, rollout_salt, scope, prerequisites, tenant_editable,"
                            + " tags, archived, version, updated_at, updated_by) VALUES"
                            + " (:environment, :flagKey, :description, :module, :state, :rolloutBp,"
                            + " :rolloutSalt, :scope, :prerequisites, :tenantEditable, :tags,"
                            + " :archived, :version, :updatedAt, :updatedBy)");
                for (int f = 0; f < FLAGS; f++) {
                  flags
                      .bindMethods(new FlagColumns(ENV, Flag.of(key(f)).withVersion(1, at, "seed")))
                      .add();
                }
                flags.execute();
                PreparedBatch overrides =
                    h.prepareBatch(
                        "INSERT INTO tf_overrides (environment, flag_key, tenant_id, enabled,"
                            + " locked, note, updated_at, updated_by) VALUES (:environment,"
                            + " :flagKey, :tenantId, :enabled, :locked, :note, :updatedAt,"
                            + " :updatedBy)");
                for (int t = 0; t < TENANTS; t++) {
                  for (int k = 0; k < PER_TENANT; k++) {
                    int f = (t * 7 + k * 97) % FLAGS;
                    overrides
                        .bindMethods(
                            new OverrideColumns(
                                ENV,
                                new TenantOverride(
                                    key(f), tenant(t), (t + k) % 2 == 0, false, null, at, "seed")))
                        .add();
                  }
                  if (t % 1000 == 999) {
                    overrides.execute();
                  }
                }
                h.execute("ANALYZE tf_overrides");
              });
      long seedMillis = (System.nanoTime() - t0) / 1_000_000;

      assertThat(store.loadFlags(ENV).flags()).hasSize(FLAGS);
      int samples = 200;
      long[] nanos = new long[samples];
      for (int i = 0; i < samples; i++) {
        String tenant = tenant((i * 4_999) % TENANTS);
        long start = System.nanoTime();
        List<TenantOverride> loaded = store.loadTenantOverrides(ENV, tenant);
        nanos[i] = System.nanoTime() - start;
        assertThat(loaded).hasSize(PER_TENANT).allMatch(o -> o.tenantId().equals(tenant));
      }
      long first = nanos[0];
      Arrays.sort(nanos);
      PropagationTest.report(
          String.format(
              Locale.ROOT,
              "cold tenant load (postgresql, %d flags, %d overrides, seeded in %d ms): first %.3f"
                  + " ms, p50 %.3f ms, p99 %.3f ms over %d distinct tenants%n",
              FLAGS,
              TENANTS * PER_TENANT,
              seedMillis,
              first / 1e6,
              nanos[samples / 2] / 1e6,
              nanos[(int) Math.ceil(samples * 0.99) - 1] / 1e6,
              samples));
      assertThat(nanos[samples / 2]).as("median cold tenant load").isLessThan(100_000_000L);

      List<String> lines =
          Jdbi.create(db.url())
              .withHandle(
                  h ->
                      h.createQuery(
                              "EXPLAIN SELECT flag_key FROM tf_overrides WHERE environment ="
                                  + " 'production' AND tenant_id = 'tenant-00042'")
                          .mapTo(String.class)
                          .list());
      String plan = String.join("\n", lines);
      assertThat(plan).as("query plan").contains("tf_overrides_tenant").doesNotContain("Seq Scan");
    }
  }

  private static String key(int f) {
    return String.format(Locale.ROOT, "flag.%04d", f);
  }

  private static String tenant(int t) {
    return String.format(Locale.ROOT, "tenant-%05d", t);
  }
}
