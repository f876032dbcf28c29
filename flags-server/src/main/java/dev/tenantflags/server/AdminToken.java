package dev.tenantflags.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's first admin token.
 *
 * <p>It comes from {@code FLAGS_ADMIN_TOKEN} when set. Otherwise the first start generates 32
 * random bytes (url-safe Base64), prints the token once, and keeps only its SHA-256 in a small
 * file: next to the SQLite database ({@code <db>.admin-token.sha256}), or, for databases that are
 * no file, {@code flags-server.admin-token.sha256} in the working directory. Later starts read the
 * hash and print nothing. Deleting the file makes the next start generate a new token.
 *
 * <p>Thread safety: immutable.
 *
 * @param sha256Hex the lower-case hex SHA-256 of the token
 * @param generated the token in plain text when this start generated it (to print once), else null
 * @param source where the hash came from, for the log
 */
record AdminToken(String sha256Hex, String generated, String source) {

  static final String ENV_VARIABLE = "FLAGS_ADMIN_TOKEN";
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  static AdminToken resolve(String jdbcUrl, Map<String, String> env) {
    String fromEnv = env.get(ENV_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new AdminToken(
          sha256(fromEnv.trim()), null, "the " + ENV_VARIABLE + " environment variable");
    }
    Path file = hashFile(jdbcUrl);
    try {
      if (Files.exists(file)) {
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!HEX.matcher(hex).matches()) {
          throw new IllegalStateException(
              "admin token file does not hold a SHA-256 hex digest: \"" + file + "\"");
        }
        return new AdminToken(hex, null, file.toString());
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      String hex = sha256(token);
      write(file, hex);
      return new AdminToken(hex, token, file.toString());
    } catch (FileAlreadyExistsException e) {
      // Another server started on the same database at the same moment and won; use its token.
      return resolve(jdbcUrl, env);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read or write the admin token file \"" + file + "\"", e);
    }
  }

  private static void write(Path file, String hex) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(
        file,
        hex + "\n",
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system; a hash is not a secret in the way a token is, so carry on.
    }
  }

  /** Where the hash lives for a JDBC URL. */
  static Path hashFile(String jdbcUrl) {
    Path db = sqliteFile(jdbcUrl);
    return db != null
        ? db.resolveSibling(db.getFileName() + ".admin-token.sha256")
        : Path.of("flags-server.admin-token.sha256");
  }

  /** The database file of a SQLite URL, or null for other databases and in-memory SQLite. */
  static Path sqliteFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String rest = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    if (rest.isEmpty() || rest.equals(":memory:") || rest.startsWith(":resource:")) {
      return null;
    }
    return Path.of(rest);
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  @Override
  public String toString() {
    // Never show a generated token by accident (records print every component).
    return "AdminToken[source=" + source + "]";
  }
}
