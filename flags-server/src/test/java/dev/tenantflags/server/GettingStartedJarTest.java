package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/getting-started.md as written against the built jar: starts {@code java -jar
 * flags-server.jar} the way the page says (on a free port, in an empty directory), takes the
 * printed admin token as a reader would, then runs every {@code curl} command of the page's bash
 * blocks and checks the result the page states after it ({@code # → <status> <json>}; the JSON is
 * the part of the answer the page shows: every field it names must be there with that value, arrays
 * element by element).
 *
 * <p>It needs the shaded jar, so it runs in Maven's integration-test phase (after package); in the
 * test phase, where no jar exists yet, it is skipped.
 */
final class GettingStartedJarTest {

  private static final Path DOC = Path.of("..", "docs", "getting-started.md");
  private static final Pattern LISTENING =
      Pattern.compile("flags-server listening on http://127\\.0\\.0\\.1:(\\d+)/");
  private static final Pattern EXPECTED = Pattern.compile("# → (\\d{3})(?: (.*))?");
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void gettingStarted_everyCommandAsWritten_givesTheStatedResult() throws Exception {
    // Set only by the execution that runs after package, so a stale jar is never tested.
    String built = System.getProperty("flags.server.jar");
    Assumptions.assumeTrue(
        built != null, "the jar is built in the package phase; this test runs after it");
    Path jar = Path.of(built);
    assertThat(jar).isRegularFile();
    List<List<String>> blocks = bashBlocks(Files.readString(DOC, StandardCharsets.UTF_8));
    List<String> start = blocks.get(0);
    String javaLine =
        start.stream().filter(l -> l.startsWith("java -jar ")).findFirst().orElseThrow();
    assertThat(start.get(0)).startsWith("mvn ").contains("-pl flags-server").contains("package");

    List<String> command = new ArrayList<>(words(javaLine, Map.of()));
    assertThat(command.subList(0, 3))
        .containsExactly("java", "-jar", "flags-server/target/flags-server.jar");
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.set(2, jar.toAbsolutePath().toString());
    command.set(command.indexOf("--port") + 1, "0"); // a free port instead of the page's 9090
    command.add(1, "-Xmx256m");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().remove(AdminToken.ENV_VARIABLE);
    Process process = builder.start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  output.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (Exception e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new AssertionError("server exited: " + output));
            },
            "getting-started-server");
    reader.setDaemon(true);
    reader.start();
    try {
      int listening = port.get(60, TimeUnit.SECONDS);
      String token =
          output.stream()
              .map(String::trim)
              .filter(l -> l.matches("[A-Za-z0-9_-]{43}"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no admin token printed: " + output));
      assertThat(dir.resolve("flags.db.admin-token.sha256")).exists();

      // Block 2 sets ADMIN and API; the reader pastes the token and uses the port they chose.
      Map<String, String> vars = new HashMap<>();
      for (String line : blocks.get(1)) {
        int eq = line.indexOf('=');
        vars.put(line.substring(0, eq), words(line.substring(eq + 1), vars).get(0));
      }
      assertThat(vars.get("API")).isEqualTo("http://127.0.0.1:9090/api");
      vars.put("ADMIN", token);
      vars.put("API", "http://127.0.0.1:" + listening + "/api");

      int checked = 0;
      for (List<String> block : blocks.subList(2, blocks.size())) {
        Iterator<String> lines = block.iterator();
        while (lines.hasNext()) {
          String line = lines.next();
          if (!line.startsWith("curl ")) {
            continue;
          }
          String expected = lines.hasNext() ? lines.next() : "";
          Matcher m = EXPECTED.matcher(expected);
          assertThat(m.matches()).as("the page states a result after: " + line).isTrue();
          HttpResponse<String> response = curl(words(line, vars));
          assertThat(response.statusCode())
              .as(line + "\n" + response.body())
              .isEqualTo(Integer.parseInt(m.group(1)));
          if (m.group(2) != null) {
            JsonNode want = Http.JSON.readTree(m.group(2));
            JsonNode got = Http.JSON.readTree(response.body());
            assertThat(contains(got, want))
                .as(line + "\nstated: " + want + "\nactual: " + got)
                .isTrue();
          }
          checked++;
        }
      }
      assertThat(checked).as("curl commands checked").isGreaterThanOrEqualTo(8);
    } finally {
      process.toHandle().destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The ```bash blocks of a markdown page, with backslash continuations joined. */
  static List<List<String>> bashBlocks(String markdown) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> current = null;
    StringBuilder pending = new StringBuilder();
    for (String raw : markdown.split("\n", -1)) {
      if (current == null) {
        if (raw.strip().equals("```bash")) {
          current = new ArrayList<>();
        }
        continue;
      }
      if (raw.strip().equals("```")) {
        blocks.add(current);
        current = null;
        continue;
      }
      String line = raw.strip();
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      if (!pending.isEmpty()) {
        current.add(pending.toString());
      }
      pending.setLength(0);
    }
    return blocks;
  }

  /** Splits a shell command line into words: '…' literal, "…" and bare words expand $VAR. */
  static List<String> words(String line, Map<String, String> vars) {
    List<String> out = new ArrayList<>();
    StringBuilder word = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        if (word != null) {
          out.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        word.append(line, i + 1, end);
        i = end;
      } else if (c == '"') {
        int end = line.indexOf('"', i + 1);
        word.append(expand(line.substring(i + 1, end), vars));
        i = end;
      } else if (c == '$') {
        int end = i + 1;
        while (end < line.length()
            && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
          end++;
        }
        word.append(vars.getOrDefault(line.substring(i + 1, end), ""));
        i = end - 1;
      } else {
        word.append(c);
      }
    }
    if (word != null) {
      out.add(word.toString());
    }
    return out;
  }

  private static String expand(String text, Map<String, String> vars) {
    Matcher m = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), "")));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Runs the subset of curl the page uses: -s, -i, -H, -X, -d and one URL. */
  private static HttpResponse<String> curl(List<String> args) throws Exception {
    assertThat(args.get(0)).isEqualTo("curl");
    String method = null;
    String data = null;
    String url = null;
    List<String> headers = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      switch (args.get(i)) {
        case "-s", "-i", "-si" -> {}
        case "-H" -> headers.add(args.get(++i));
        case "-X" -> method = args.get(++i);
        case "-d" -> data = args.get(++i);
        default -> {
          assertThat(url).as("one URL in " + args).isNull();
          url = args.get(i);
        }
      }
    }
    if (method == null) {
      method = data == null ? "GET" : "POST";
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                data == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(data));
    for (String header : headers) {
      int colon = header.indexOf(':');
      request.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether every field the page shows is in the answer with that value. */
  static boolean contains(JsonNode actual, JsonNode stated) {
    if (stated.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = stated.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!actual.has(field.getKey())
            || !contains(actual.get(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (stated.isArray()) {
      if (!actual.isArray() || actual.size() != stated.size()) {
        return false;
      }
      for (int i = 0; i < stated.size(); i++) {
        if (!contains(actual.get(i), stated.get(i))) {
          return false;
        }
      }
      return true;
    }
    return stated.equals(actual);
  }
}
