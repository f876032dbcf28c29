package dev.tenantflags.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A headless Debian chromium driven over the Chrome DevTools Protocol with the JDK's WebSocket
 * client: just enough to navigate, run JavaScript, type, click, and take screenshots. Collects page
 * exceptions, JavaScript dialogs (an {@code alert} would mean injected script ran) and console/log
 * errors so a test can assert there were none.
 */
final class Chromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

  final List<String> exceptions = new CopyOnWriteArrayList<>();
  final List<String> dialogs = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();

  /** The chromium binary on PATH, or null. */
  static Path find() {
    for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
      for (String dir :
          System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  static Chromium launch(Path binary) throws Exception {
    Path profile = Files.createTempDirectory("tenantflags-chromium");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1440,1000",
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    CompletableFuture<String> devtools = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                  int at = line.indexOf("DevTools listening on ");
                  if (at >= 0) {
                    devtools.complete(
                        line.substring(at + "DevTools listening on ".length()).trim());
                  }
                }
              } catch (IOException e) {
                devtools.completeExceptionally(e);
              }
              devtools.completeExceptionally(
                  new IllegalStateException("chromium exited without a DevTools URL"));
            },
            "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      URI browser = URI.create(devtools.get(30, TimeUnit.SECONDS));
      HttpClient http = HttpClient.newHttpClient();
      String page =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + browser.getAuthority() + "/json/new?about:blank"))
                      .PUT(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      URI pageSocket = URI.create(JSON.readTree(page).get("webSocketDebuggerUrl").asText());
      return new Chromium(process, profile, http, pageSocket);
    } catch (Exception e) {
      process.destroyForcibly();
      deleteTree(profile);
      throw e;
    }
  }

  private Chromium(Process process, Path profile, HttpClient http, URI pageSocket)
      throws Exception {
    this.process = process;
    this.profile = profile;
    this.socket =
        http.newWebSocketBuilder().buildAsync(pageSocket, new Listener()).get(15, TimeUnit.SECONDS);
    listeners.add(
        event -> {
          String method = event.path("method").asText();
          JsonNode p = event.path("params");
          switch (method) {
            case "Runtime.exceptionThrown" -> exceptions.add(p.path("exceptionDetails").toString());
            case "Page.javascriptDialogOpening" -> {
              dialogs.add(p.path("type").asText() + ": " + p.path("message").asText());
              call("Page.handleJavaScriptDialog", Map.of("accept", true));
            }
            case "Log.entryAdded" -> {
              // Network entries are HTTP errors the page handled (a test provokes a 409 on
              // purpose).
              if ("error".equals(p.path("entry").path("level").asText())
                  && !"network".equals(p.path("entry").path("source").asText())) {
                errors.add(
                    p.path("entry").path("text").asText()
                        + " "
                        + p.path("entry").path("url").asText());
              }
            }
            case "Runtime.consoleAPICalled" -> {
              if ("error".equals(p.path("type").asText())) {
                errors.add("console.error " + p.path("args").toString());
              }
            }
            default -> {}
          }
        });
    send("Page.enable", Map.of());
    send("Runtime.enable", Map.of());
    send("Log.enable", Map.of());
    send(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 1440, "height", 1000, "deviceScaleFactor", 1, "mobile", false));
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode message = JSON.readTree(text);
          if (message.has("id")) {
            CompletableFuture<JsonNode> future = pending.remove(message.get("id").asInt());
            if (future != null) {
              if (message.has("error")) {
                future.completeExceptionally(
                    new IllegalStateException("CDP error: " + message.get("error")));
              } else {
                future.complete(message.path("result"));
              }
            }
          } else {
            for (Consumer<JsonNode> l : listeners) {
              l.accept(message);
            }
          }
        } catch (IOException e) {
          exceptions.add("unreadable CDP message: " + e);
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  private CompletableFuture<JsonNode> call(String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    pending.put(id, future);
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    synchronized (socket) {
      socket.sendText(message.toString(), true).join();
    }
    return future;
  }

  JsonNode send(String method, Map<String, ?> params) throws Exception {
    return call(method, params).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  void navigate(String url) throws Exception {
    send("Page.navigate", Map.of("url", url));
    waitFor("document.readyState === 'complete'", Duration.ofSeconds(15));
  }

  /** Evaluates an expression in the page (awaiting promises) and returns its JSON value. */
  JsonNode eval(String expression) throws Exception {
    JsonNode result =
        send(
            "Runtime.evaluate",
            Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(
          "page script failed: " + expression + " -> " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Waits until a JavaScript expression is truthy. */
  void waitFor(String expression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode value = eval("Boolean(" + expression + ")");
      if (value.asBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after "
                + timeout.toSeconds()
                + " s waiting for: "
                + expression
                + "; page errors: "
                + exceptions
                + " "
                + errors);
      }
      Thread.sleep(50);
    }
  }

  void waitFor(String expression) throws Exception {
    waitFor(expression, Duration.ofSeconds(10));
  }

  /** Clicks an element with a real mouse event at its centre, after scrolling it into view. */
  void click(String selector) throws Exception {
    waitFor("document.querySelector(" + quote(selector) + ")");
    JsonNode box =
        eval(
            "(() => { const e = document.querySelector("
                + quote(selector)
                + ");"
                + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width}; })()");
    if (box.path("w").asDouble() == 0) {
      throw new AssertionError("element is not visible: " + selector);
    }
    double x = box.path("x").asDouble();
    double y = box.path("y").asDouble();
    send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
    send(
        "Input.dispatchMouseEvent",
        Map.of("type", "mousePressed", "x", x, "y", y, "button", "left", "clickCount", 1));
    send(
        "Input.dispatchMouseEvent",
        Map.of("type", "mouseReleased", "x", x, "y", y, "button", "left", "clickCount", 1));
  }

  /** Focuses a field, clears it, and types text as keyboard input. */
  void type(String selector, String text) throws Exception {
    waitFor("document.querySelector(" + quote(selector) + ")");
    eval(
        "(() => { const e = document.querySelector("
            + quote(selector)
            + "); e.focus(); e.select && e.select(); })()");
    send("Input.insertText", Map.of("text", text));
  }

  /** Presses a key such as Enter in the focused element. */
  void press(String key, int keyCode) throws Exception {
    send(
        "Input.dispatchKeyEvent",
        Map.of(
            "type",
            "keyDown",
            "key",
            key,
            "code",
            key,
            "windowsVirtualKeyCode",
            keyCode,
            "text",
            key.equals("Enter") ? "\r" : ""));
    send(
        "Input.dispatchKeyEvent",
        Map.of("type", "keyUp", "key", key, "code", key, "windowsVirtualKeyCode", keyCode));
  }

  /** Emulates a window of this size (CSS pixels), as a laptop or phone would have. */
  void viewport(int width, int height) throws Exception {
    send(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  /** Opens the console at {@code base} signed in with {@code token} (a fresh tab session). */
  void signIn(String base, String token) throws Exception {
    navigate(base);
    eval(
        "sessionStorage.clear(); sessionStorage.setItem('tenantflags.token', "
            + quote(token)
            + ")");
    navigate(base);
  }

  /** Whether an element exists and takes up space on the page. */
  boolean visible(String selector) throws Exception {
    return eval("(() => { const e = document.querySelector("
            + quote(selector)
            + "); return !!e && e.getClientRects().length > 0; })()")
        .asBoolean();
  }

  /** Whether the element is disabled (itself or through a disabled fieldset). */
  boolean disabled(String selector) throws Exception {
    return eval("document.querySelector(" + quote(selector) + ").matches(':disabled')").asBoolean();
  }

  String text(String selector) throws Exception {
    return eval("document.querySelector(" + quote(selector) + ").textContent").asText();
  }

  Path screenshot(Path file) throws Exception {
    JsonNode shot =
        send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", false));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    return file;
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The browser is being killed anyway.
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(profile);
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temp directory left behind is harmless.
    }
  }
}
