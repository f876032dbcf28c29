package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ServerOptionsTest {

  @TempDir Path dir;

  @Test
  void parse_noArguments_givesDocumentedDefaults() {
    ServerOptions o = ServerOptions.parse();

    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.bind()).isEqualTo("127.0.0.1");
    assertThat(o.jdbcUrl()).isEqualTo("jdbc:sqlite:flags.db");
    assertThat(o.environment()).isEqualTo("production");
    assertThat(o.tokens()).isNull();
    assertThat(o.seed()).isNull();
    assertThat(o.help()).isFalse();
  }

  @Test
  void parse_everyOption_inBothSpellings() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.json"), "[]");
    Path seed = Files.writeString(dir.resolve("seed.json"), "[]");

    ServerOptions o =
        ServerOptions.parse(
            "--port",
            "0",
            "--bind=0.0.0.0",
            "--jdbc-url",
            "jdbc:postgresql://db/flags",
            "--environment=staging",
            "--tokens",
            tokens.toString(),
            "--seed=" + seed);

    assertThat(o)
        .isEqualTo(
            new ServerOptions(
                0, "0.0.0.0", "jdbc:postgresql://db/flags", "staging", tokens, seed, false));
  }

  @Test
  void parse_help_wins() {
    assertThat(ServerOptions.parse("--port", "1", "--help").help()).isTrue();
    assertThat(ServerOptions.usage())
        .contains(
            "--port",
            "--bind",
            "--jdbc-url",
            "--environment",
            "--tokens",
            "--seed",
            "FLAGS_ADMIN_TOKEN");
  }

  @Test
  void parse_badOptions_throwNamingTheOption() {
    assertThatThrownBy(() -> ServerOptions.parse("--port", "http"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--port")
        .hasMessageContaining("\"http\"");
    assertThatThrownBy(() -> ServerOptions.parse("--port", "70000")).hasMessageContaining("--port");
    assertThatThrownBy(() -> ServerOptions.parse("--port")).hasMessage("--port needs a value");
    assertThatThrownBy(() -> ServerOptions.parse("--colour", "red"))
        .hasMessage("unknown option: --colour");
    assertThatThrownBy(() -> ServerOptions.parse("serve"))
        .hasMessageContaining("unexpected argument");
    assertThatThrownBy(() -> ServerOptions.parse("--jdbc-url", "sqlite:x.db"))
        .hasMessageContaining("--jdbc-url");
    assertThatThrownBy(() -> ServerOptions.parse("--environment", "Prod!"))
        .hasMessageContaining("--environment");
    assertThatThrownBy(() -> ServerOptions.parse("--seed", dir.resolve("missing.json").toString()))
        .hasMessageContaining("--seed");
    assertThatThrownBy(() -> ServerOptions.parse("--tokens", dir.toString()))
        .hasMessageContaining("--tokens");
    assertThatThrownBy(() -> ServerOptions.parse("--port", "1", "--port", "2"))
        .hasMessageContaining("--port was given twice");
  }

  @Test
  void hashFile_sqliteUrl_liesNextToTheDatabase() {
    assertThat(AdminToken.hashFile("jdbc:sqlite:/var/lib/flags/flags.db"))
        .isEqualTo(Path.of("/var/lib/flags/flags.db.admin-token.sha256"));
    assertThat(AdminToken.hashFile("jdbc:sqlite:file:data/f.db?journal_mode=WAL"))
        .isEqualTo(Path.of("data/f.db.admin-token.sha256"));
    assertThat(AdminToken.hashFile("jdbc:postgresql://db/flags"))
        .isEqualTo(Path.of("flags-server.admin-token.sha256"));
    assertThat(AdminToken.hashFile("jdbc:sqlite::memory:"))
        .isEqualTo(Path.of("flags-server.admin-token.sha256"));
  }
}
