package dev.tenantflags.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flags-server started as its own JVM ({@code java -cp <this classpath>
 * dev.tenantflags.server.FlagServer ...}), as an operator would run it, with its CPU time and
 * memory read from {@code /proc}.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("flags-server listening on (http://[^ ]+/)");

  final String name;
  final Process process;
  final URI base;

  private ServerProcess(String name, Process process, URI base) {
    this.name = name;
    this.process = process;
    this.base = base;
  }

  static ServerProcess start(
      String name, String jdbcUrl, Path tokens, String adminToken, Path log, String heap)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + heap,
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.dev.tenantflags.servlet.relay="
                + System.getProperty("scale.relayLog", "info"),
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.tenantflags.server.FlagServer",
            "--jdbc-url",
            jdbcUrl,
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--environment",
            "production",
            "--tokens",
            tokens.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("FLAGS_ADMIN_TOKEN", adminToken);
    Process p = pb.start();
    CompletableFuture<URI> listening = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter out =
                      new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                  out.println(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(URI.create(m.group(1)));
                  }
                }
              } catch (IOException e) {
                // process gone
              }
              listening.completeExceptionally(
                  new IllegalStateException("server " + name + " exited; see " + log));
            },
            "server-" + name + "-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new ServerProcess(name, p, listening.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("server " + name + " did not start; see " + log, e);
    }
  }

  /** User plus system CPU time of the process so far, in milliseconds (Linux /proc). */
  long cpuMillis() {
    return cpuMillis(process.pid());
  }

  /** User plus system CPU time of a process so far, in milliseconds (Linux /proc), or -1. */
  static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name; 100 Hz ticks.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A memory figure of /proc/<pid>/status, e.g. {@code VmRSS} or {@code VmHWM}, in KiB. */
  long memoryKib(String field) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or gone
    }
    return -1;
  }

  /** SIGKILL: the server vanishes without closing its streams. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: graceful shutdown (streams end with a retry hint). */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
