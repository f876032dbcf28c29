package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link FlagServer#main} in a separate JVM, as {@code java -jar} would: output, exit codes,
 * SIGTERM.
 */
final class FlagServerProcessTest {

  private static final Pattern LISTENING =
      Pattern.compile("flags-server listening on http://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir Path dir;

  private static final class Running implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> port = new CompletableFuture<>();
    final CompletableFuture<Void> eof = new CompletableFuture<>();

    Running(Process process) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = out.readLine()) != null) {
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                      port.complete(Integer.parseInt(m.group(1)));
                    }
                  }
                } catch (Exception e) {
                  port.completeExceptionally(e);
                }
                port.completeExceptionally(
                    new AssertionError("server exited before listening: " + lines));
                eof.complete(null);
              },
              "server-output");
      reader.setDaemon(true);
      reader.start();
    }

    int port() throws Exception {
      return port.get(60, TimeUnit.SECONDS);
    }

    int stop() throws Exception {
      // SIGTERM. Not Process.destroy(): that also closes our end of the output pipe at once, so the
      // server's shutdown log would be lost.
      process.toHandle().destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
      eof.get(10, TimeUnit.SECONDS); // every line the server wrote has been read
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static ProcessBuilder java(Path workDir, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                FlagServer.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().remove(AdminToken.ENV_VARIABLE);
    return builder;
  }

  @Test
  void main_firstStart_printsGeneratedTokenOnce_andRestartKeepsFlags() throws Exception {
    String token;
    try (Running first = new Running(java(dir, "--port", "0").start())) {
      int port = first.port();
      token =
          first.lines.stream()
              .map(String::trim)
              .filter(l -> l.matches("[A-Za-z0-9_-]{43}"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no generated token printed: " + first.lines));
      Http admin = new Http(port, token);
      assertThat(new Http(port, null).get("/health").status()).isEqualTo(200);
      assertThat(
              admin
                  .post("/api/flags", "{\"key\": \"survives_restart\", \"state\": \"ON\"}")
                  .status())
          .isEqualTo(201);

      int code = first.stop();

      assertThat(String.join("\n", first.lines))
          .contains("admin token generated on this start and printed above");
      assertThat(code).as("exit code after SIGTERM").isZero();
      assertThat(String.join("\n", first.lines)).contains("stopped");
    }
    assertThat(dir.resolve("flags.db")).exists();
    assertThat(Files.readString(dir.resolve("flags.db.admin-token.sha256")).trim())
        .isEqualTo(AdminToken.sha256(token))
        .doesNotContain(token);

    Files.writeString(
        dir.resolve("tokens.json"),
        "[{\"name\": \"a\", \"role\": \"VIEWER\", \"token\": \"viewer-token-0123456789\"},"
            + " {\"name\": \"b\", \"role\": \"EVALUATOR\", \"token\":"
            + " \"evaluator-token-012345\"}]");
    try (Running second =
        new Running(java(dir, "--port", "0", "--tokens", "tokens.json").start())) {
      int port = second.port();
      Http admin = new Http(port, token);

      assertThat(admin.get("/api/flags/survives_restart").json().path("state").asText())
          .isEqualTo("ON");
      assertThat(
              admin
                  .post("/api/evaluate", "{\"tenant\": \"acme\"}")
                  .json()
                  .path("survives_restart")
                  .asBoolean())
          .isTrue();
      assertThat(String.join("\n", second.lines))
          .doesNotContain(token)
          .doesNotContain("generated an admin token")
          .contains("admin token generated on an earlier start")
          .contains("loaded 2 tokens from tokens.json");
      second.stop();
    }
  }

  @Test
  void main_badOption_exitsWith2AndNamesTheOption() throws Exception {
    Process process = java(dir, "--port", "eighty").start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.trim())
        .isEqualTo(
            "flags-server: --port must be a number from 0 to 65535: \"eighty\" (see --help)");
    assertThat(dir.resolve("flags.db")).doesNotExist();
  }

  @Test
  void main_shortAdminTokenInTheEnvironment_exitsWith2AndWritesNothing() throws Exception {
    ProcessBuilder builder = java(dir, "--port", "0");
    builder.environment().put(AdminToken.ENV_VARIABLE, "too-short");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.trim())
        .isEqualTo(
            "flags-server: FLAGS_ADMIN_TOKEN must be 16 to 4096 characters without surrounding"
                + " spaces (it has 9) (see --help)");
    assertThat(dir.resolve("flags.db")).doesNotExist();
    assertThat(dir.resolve("flags.db.admin-token.sha256")).doesNotExist();
  }

  @Test
  void main_help_printsUsageAndExits0() throws Exception {
    Process process = java(dir, "--help").start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(output)
        .startsWith("Usage: java -jar flags-server.jar")
        .contains("--seed FILE", "FLAGS_ADMIN_TOKEN");
  }
}
