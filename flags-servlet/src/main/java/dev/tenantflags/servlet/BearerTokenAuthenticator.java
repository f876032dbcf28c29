package dev.tenantflags.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates {@code Authorization: Bearer <token>} requests against tokens from configuration
 * (SPEC §6). Tokens are kept only as SHA-256 hashes and compared in constant time ({@link
 * MessageDigest#isEqual}); neither tokens nor hashes are ever logged or put in exception messages.
 * Cookies are never read.
 *
 * <p>A tokens file is a JSON array:
 *
 * <pre>{@code
 * [{"name": "ci-bot", "role": "DEVELOPER", "tenant": null, "sha256": "<hex of SHA-256 of the token>"},
 *  {"name": "acme-admin", "role": "TENANT_ADMIN", "tenant": "acme", "sha256": "..."},
 *  {"name": "local", "role": "ADMIN", "token": "dev-only-plain-token"}]
 * }</pre>
 *
 * <p>{@code "token"} (the plain token, hashed on load) may replace {@code "sha256"} for local use.
 * Create the hash with {@code printf %s "$TOKEN" | sha256sum}. Build programmatically, e.g. to add
 * an admin token from the environment:
 *
 * <pre>{@code
 * Authenticator auth = BearerTokenAuthenticator.builder()
 *     .file(Path.of("tokens.json"))
 *     .token("admin", Role.ADMIN, null, System.getenv("FLAGS_ADMIN_TOKEN"))
 *     .build();
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class BearerTokenAuthenticator implements Authenticator {

  private static final Set<String> FIELDS = Set.of("name", "role", "tenant", "sha256", "token");
  private static final int MAX_TOKEN_LENGTH = 4096;

  private final List<Entry> entries;

  /** A token's SHA-256 and who presents it. */
  record Entry(byte[] sha256, Caller caller) {}

  private BearerTokenAuthenticator(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Starts building an authenticator.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a tokens file.
   *
   * @param file the JSON tokens file
   * @return the authenticator
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not a valid tokens file (the message names the
   *     entry and field, never a token)
   */
  public static BearerTokenAuthenticator fromFile(Path file) {
    return builder().file(file).build();
  }

  /**
   * Returns how many tokens are configured.
   *
   * @return the token count
   */
  public int size() {
    return entries.size();
  }

  @Override
  public Optional<Caller> authenticate(HttpServletRequest request) {
    return Optional.ofNullable(match(entries, request));
  }

  /**
   * The caller whose token the request bears, or null. Shared with {@link StoreTokenAuthenticator}.
   */
  static Caller match(List<Entry> entries, HttpServletRequest request) {
    String token = bearer(request);
    if (token == null) {
      return null;
    }
    byte[] presented = sha256(token);
    Caller found = null;
    // Compare against every entry, without stopping early, so timing does not reveal which matched.
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.sha256, presented) && found == null) {
        found = entry.caller;
      }
    }
    return found;
  }

  /** The names of the configured tokens (which the API cannot revoke). */
  Set<String> names() {
    Set<String> out = new java.util.TreeSet<>();
    for (Entry e : entries) {
      out.add(e.caller.name());
    }
    return out;
  }

  /** The bearer token of a request, or null when it carries none of a plausible length. */
  static String bearer(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() || token.length() > MAX_TOKEN_LENGTH ? null : token;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "BearerTokenAuthenticator[" + entries.size() + " tokens]";
  }

  /**
   * Builds a {@link BearerTokenAuthenticator} from files, JSON text and single tokens; every method
   * adds tokens and validates at once.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a plain token (hashed at once; the plain text is not kept).
     *
     * @param name the caller name recorded in the audit log
     * @param role the role
     * @param tenant the tenant of a TENANT_ADMIN, else null
     * @param token the plain token, at least 16 characters
     * @return this builder
     * @throws IllegalArgumentException if the token is shorter than 16 characters or already added,
     *     or the caller is invalid
     */
    public Builder token(String name, Role role, String tenant, String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16 || token.length() > MAX_TOKEN_LENGTH || !token.equals(token.trim())) {
        throw new IllegalArgumentException(
            "token of '"
                + name
                + "' must be 16 to "
                + MAX_TOKEN_LENGTH
                + " characters without surrounding spaces");
      }
      return add(BearerTokenAuthenticator.sha256(token), new Caller(name, role, tenant));
    }

    /**
     * Adds a token given as the hex SHA-256 of its UTF-8 bytes.
     *
     * @param name the caller name recorded in the audit log
     * @param role the role
     * @param tenant the tenant of a TENANT_ADMIN, else null
     * @param sha256Hex 64 hex digits
     * @return this builder
     * @throws IllegalArgumentException if the hash is not 64 hex digits or already added, or the
     *     caller is invalid
     */
    public Builder sha256(String name, Role role, String tenant, String sha256Hex) {
      Objects.requireNonNull(sha256Hex, "sha256Hex");
      byte[] hash;
      try {
        hash =
            sha256Hex.length() == 64
                ? HexFormat.of().parseHex(sha256Hex.toLowerCase(Locale.ROOT))
                : null;
      } catch (IllegalArgumentException e) {
        hash = null;
      }
      if (hash == null) {
        throw new IllegalArgumentException("sha256 of '" + name + "' must be 64 hex digits");
      }
      return add(hash, new Caller(name, role, tenant));
    }

    /**
     * Adds every token of a tokens file.
     *
     * @param file the JSON tokens file
     * @return this builder
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a valid tokens file
     */
    public Builder file(Path file) {
      Objects.requireNonNull(file, "file");
      try {
        return json(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read tokens file " + file, e);
      }
    }

    /**
     * Adds every token of a tokens file's JSON text.
     *
     * @param json a JSON array of {@code {"name","role","tenant","sha256"|"token"}}
     * @return this builder
     * @throws IllegalArgumentException naming the entry and field that is invalid
     */
    public Builder json(String json) {
      Objects.requireNonNull(json, "json");
      JsonNode root;
      try {
        root = JsonSupport.MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        // The parser's message may quote the text, which may hold a token: say only where.
        throw new IllegalArgumentException(
            "tokens file is not valid JSON at line "
                + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()));
      }
      if (root == null || !root.isArray()) {
        throw new IllegalArgumentException("tokens file must be a JSON array");
      }
      for (int i = 0; i < root.size(); i++) {
        JsonNode item = root.get(i);
        String where = "tokens[" + i + "]";
        if (!item.isObject()) {
          throw new IllegalArgumentException(where + " must be a JSON object");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
          String field = names.next();
          if (!FIELDS.contains(field)) {
            throw new IllegalArgumentException(where + " has an unknown field: '" + field + "'");
          }
        }
        String name = text(item, "name", where, true);
        String roleName = text(item, "role", where, true);
        Role role;
        try {
          role = Role.valueOf(roleName);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              where
                  + ".role must be one of EVALUATOR, SDK, VIEWER, DEVELOPER, ADMIN, "
                  + "TENANT_ADMIN: '"
                  + roleName
                  + "'");
        }
        String tenant = text(item, "tenant", where, false);
        String hash = text(item, "sha256", where, false);
        String token = text(item, "token", where, false);
        if ((hash == null) == (token == null)) {
          throw new IllegalArgumentException(
              where + " must have exactly one of 'sha256' and 'token'");
        }
        try {
          if (hash != null) {
            sha256(name, role, tenant, hash);
          } else {
            token(name, role, tenant, token);
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
      }
      return this;
    }

    private static String text(JsonNode item, String field, String where, boolean required) {
      JsonNode value = item.get(field);
      if (value == null || value.isNull()) {
        if (required) {
          throw new IllegalArgumentException(where + "." + field + " is required");
        }
        return null;
      }
      if (!value.isTextual()) {
        throw new IllegalArgumentException(where + "." + field + " must be a string");
      }
      return value.textValue();
    }

    private Builder add(byte[] hash, Caller caller) {
      for (Entry e : entries) {
        if (MessageDigest.isEqual(e.sha256, hash)) {
          throw new IllegalArgumentException(
              "token of '"
                  + caller.name()
                  + "' is already configured for '"
                  + e.caller.name()
                  + "'");
        }
      }
      entries.add(new Entry(hash, caller));
      return this;
    }

    /**
     * Builds the authenticator. An authenticator with no tokens authenticates nobody.
     *
     * @return the authenticator
     */
    public BearerTokenAuthenticator build() {
      return new BearerTokenAuthenticator(entries);
    }
  }
}
