package dev.tenantflags.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantflags.AuditAction;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagState;
import dev.tenantflags.TenantKey;
import dev.tenantflags.jdbc.JdbiFlagStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flag row the store cannot read, over HTTP on SQLite (SPEC §4): the API names it (409 on read,
 * an entry in the listing) and an ADMIN replaces, archives or kills it.
 */
final class UnreadableFlagApiTest {

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final TenantKey ACME = TenantKey.of("acme");
  private static String url;
  private static ApiFixture fx;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("tenantflags-unreadable-test");
    dir.toFile().deleteOnExit();
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      dir.resolve("flags.db" + suffix).toFile().deleteOnExit();
    }
    url = "jdbc:sqlite:" + dir.resolve("flags.db");
    fx = new ApiFixture("/api", false, JdbiFlagStore.create(url));
    fx.server.servlet(fx.servlet().build(), "/api/*").start();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  /** Creates an ON flag, corrupts its row with raw SQL, and lets the client see it. */
  private static String corruptFlag(String set) throws Exception {
    String key = "bad_" + SEQ.incrementAndGet();
    fx.admin().create(Flag.of(key).withState(FlagState.ON), null);
    fx.admin().update(key, 1, f -> f.withDescription("second"), null);
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement s =
            c.prepareStatement("UPDATE tf_flags SET " + set + " WHERE flag_key = ?")) {
      s.setString(1, key);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    // Another change moves the environment's version, so the client reloads and sees the row.
    fx.admin().create(Flag.of("other_" + SEQ.incrementAndGet()), null);
    return key;
  }

  private static List<String> statusUnreadable() {
    List<String> keys = new ArrayList<>();
    fx.call("VIEWER", "GET", "/status", null)
        .json()
        .path("unreadable")
        .forEach(r -> keys.add(r.path("flagKey").asText()));
    return keys;
  }

  private static AuditEntry lastEntry(String key) {
    return fx.admin().history(key, 1).get(0);
  }

  @Test
  void getFlag_unreadableRow_409NamingProblemVersionAndRepair() throws Exception {
    String key = corruptFlag("scope = '{bad'");
    JsonNode p = fx.call("VIEWER", "GET", "/flags/" + key, null).problem(409);
    assertThat(p.path("detail").asText())
        .startsWith("the stored row of flag '" + key + "' is unreadable: ")
        .contains("scope")
        .endsWith(
            "; replace it with PUT /api/flags/"
                + key
                + " (If-Match: \"2\") or archive it with DELETE");
    assertThat(p.path("version").asLong()).isEqualTo(2);
    assertThat(p.path("flagKey").asText()).isEqualTo(key);
  }

  @Test
  void listFlags_unreadableRow_isListedWithProblemAndVersion() throws Exception {
    String key = corruptFlag("state = 'BOGUS'");
    ApiFixture.Response r = fx.call("VIEWER", "GET", "/flags", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode entry = null;
    for (JsonNode f : r.json().path("flags")) {
      if (f.path("key").asText().equals(key)) {
        entry = f;
      }
    }
    assertThat(entry).as(r.body()).isNotNull();
    assertThat(entry.path("unreadable").asBoolean()).isTrue();
    assertThat(entry.path("problem").asText()).contains("state");
    assertThat(entry.path("version").asLong()).isEqualTo(2);
    JsonNode filtered = fx.call("VIEWER", "GET", "/flags?q=zzz_nothing", null).json();
    assertThat(filtered.path("flags").size()).isZero();
  }

  @Test
  void patchFlag_unreadableRow_409PointingToPut() throws Exception {
    String key = corruptFlag("scope = '{bad'");
    JsonNode p = fx.call("ADMIN", "PATCH", "/flags/" + key, "{\"description\":\"x\"}").problem(409);
    assertThat(p.path("detail").asText()).contains("PUT /api/flags/" + key);
    assertThat(fx.call("ADMIN", "GET", "/flags/" + key, null).status()).isEqualTo(409);
  }

  @Test
  void putFlag_unreadableRow_replacesItAndClientEvaluatesNewDefinition() throws Exception {
    String key = corruptFlag("scope = '{bad'");
    assertThat(statusUnreadable()).contains(key);
    assertThat(
            fx.call("ADMIN", "PUT", "/flags/" + key, "{\"state\":\"OFF\"}", "If-Match", "\"1\"")
                .problem(412)
                .path("field")
                .asText())
        .isEqualTo("If-Match");

    ApiFixture.Response r =
        fx.call(
            "ADMIN",
            "PUT",
            "/flags/" + key,
            "{\"state\":\"OFF\",\"description\":\"repaired\",\"comment\":\"fix row\"}",
            "If-Match",
            "\"2\"");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("ETag")).isEqualTo("\"3\"");
    assertThat(r.json().path("description").asText()).isEqualTo("repaired");
    assertThat(fx.call("VIEWER", "GET", "/flags/" + key, null).json().path("state").asText())
        .isEqualTo("OFF");
    assertThat(fx.flags.isEnabled(key, ACME)).isFalse();
    assertThat(statusUnreadable()).doesNotContain(key);
    AuditEntry e = lastEntry(key);
    assertThat(e.action()).isEqualTo(AuditAction.FLAG_UPDATED);
    assertThat(e.before()).contains("\"unreadable\":true");
    assertThat(e.comment()).isEqualTo("fix row");
  }

  @Test
  void putFlag_asDeveloper_403() throws Exception {
    String key = corruptFlag("scope = '{bad'");
    fx.call("DEVELOPER", "PUT", "/flags/" + key, "{\"state\":\"OFF\"}").problem(403);
    assertThat(fx.call("ADMIN", "GET", "/flags/" + key, null).status()).isEqualTo(409);
  }

  @Test
  void deleteFlag_unreadableRow_archivesIt() throws Exception {
    String key = corruptFlag("state = 'BOGUS'");
    ApiFixture.Response r = fx.call("ADMIN", "DELETE", "/flags/" + key, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("archived").asBoolean()).isTrue();
    assertThat(r.header("ETag")).isEqualTo("\"3\"");
    assertThat(fx.flags.isEnabled(key, ACME)).isFalse();
    assertThat(statusUnreadable()).doesNotContain(key);
    assertThat(lastEntry(key).action()).isEqualTo(AuditAction.FLAG_ARCHIVED);
  }

  @Test
  void killFlag_unreadableRow_storesOffFlag() throws Exception {
    String key = corruptFlag("prerequisites = '{\"a\": 1}'");
    assertThat(fx.flags.isEnabled(key, ACME)).isTrue(); // last good definition
    ApiFixture.Response r = fx.call("DEVELOPER", "POST", "/flags/" + key + "/kill", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("state").asText()).isEqualTo("OFF");
    assertThat(fx.flags.isEnabled(key, ACME)).isFalse();
    assertThat(statusUnreadable()).doesNotContain(key);
    assertThat(fx.admin().audit(AuditQuery.recent(ApiFixture.DEV_ENV, 1)).get(0).action())
        .isEqualTo(AuditAction.FLAG_KILLED);
  }
}
