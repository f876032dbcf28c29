package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flag row the store cannot read does not stop the server (SPEC §4, issue 10): it starts again on
 * the same SQLite file, with the seed declaring that very flag, names the row in {@code
 * /api/status} and {@code /health}, and an ADMIN repairs it with PUT.
 */
final class CorruptRowStartTest {

  private static final String TOKEN = "test-admin-token-0123456789";

  @TempDir Path dir;

  private static FlagServer start(ServerOptions options) throws Exception {
    return FlagServer.start(
        options,
        Map.of(AdminToken.ENV_VARIABLE, TOKEN),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static List<String> flagKeys(JsonNode unreadable) {
    List<String> keys = new ArrayList<>();
    unreadable.forEach(r -> keys.add(r.path("flagKey").asText()));
    return keys;
  }

  @Test
  void start_corruptFlagRowInSqlite_startsNamesTheRowAndItCanBeReplaced() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("flags.db");
    Path seed = dir.resolve("seed.json");
    Files.writeString(
        seed,
        """
        [{"key": "base_ui", "state": "ON"}, {"key": "checkout", "state": "ON"}]
        """);
    ServerOptions options = ServerOptions.defaults().withPort(0).withJdbcUrl(url).withSeed(seed);
    try (FlagServer server = start(options)) {
      assertThat(new Http(server.port(), TOKEN).get("/api/flags/checkout").status()).isEqualTo(200);
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("UPDATE tf_flags SET scope = '{bad' WHERE flag_key = 'checkout'"))
          .isPositive();
    }

    try (FlagServer server = start(options)) {
      Http admin = new Http(server.port(), TOKEN);

      Http.Response status = admin.get("/api/status");
      assertThat(status.status()).isEqualTo(200);
      assertThat(flagKeys(status.json().path("unreadable"))).contains("checkout");
      assertThat(status.json().path("unreadable").get(0).path("problem").asText())
          .contains("scope");
      assertThat(flagKeys(admin.get("/health").json().path("unreadable"))).contains("checkout");
      assertThat(admin.get("/api/flags/base_ui").json().path("state").asText()).isEqualTo("ON");
      Http.Response read = admin.get("/api/flags/checkout");
      assertThat(read.status()).as(read.body()).isEqualTo(409);

      Http.Response replaced = admin.put("/api/flags/checkout", "{\"state\": \"OFF\"}");

      assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
      assertThat(admin.get("/api/flags/checkout").json().path("state").asText()).isEqualTo("OFF");
      assertThat(flagKeys(admin.get("/api/status").json().path("unreadable")))
          .doesNotContain("checkout");
    }
  }
}
