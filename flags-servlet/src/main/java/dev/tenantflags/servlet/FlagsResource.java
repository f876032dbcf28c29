package dev.tenantflags.servlet;

import dev.tenantflags.AuditEntry;
import dev.tenantflags.AuditQuery;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagValidationException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code /flags} and {@code /flags/{key}}: list, create, read, patch, archive, restore, kill and
 * history. Kill, archive and restore take no {@code If-Match}: FlagAdmin retries them on a
 * concurrent edit, so they never answer 412.
 */
final class FlagsResource {

  private static final int DEFAULT_HISTORY_LIMIT = 20;

  private final EnvironmentClients environments;
  private final AccessPolicy policy;
  private final UsageResource usage;
  private final boolean requireIfMatch;

  FlagsResource(
      EnvironmentClients environments,
      AccessPolicy policy,
      UsageResource usage,
      boolean requireIfMatch) {
    this.environments = environments;
    this.policy = policy;
    this.usage = usage;
    this.requireIfMatch = requireIfMatch;
  }

  void list(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    String module = c.query("module");
    String tag = c.query("tag");
    String q = c.query("q");
    String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
    String archived = oneOf(c, "archived", "true", "false", "all");
    String stale = oneOf(c, "stale", "true", "false");
    FlagAdmin admin = policy.admin(c.caller, env);
    Map<String, Instant> lastEvaluated = usage.lastEvaluated(env);
    List<Object> out = new ArrayList<>();
    for (Flag f : admin.flags()) {
      boolean archivedOk =
          archived == null || archived.equals("false")
              ? !f.archived()
              : archived.equals("true") ? f.archived() : true;
      if (!archivedOk
          || (module != null && !module.equals(f.module()))
          || (tag != null && !f.tags().contains(tag))
          || (needle != null
              && !f.key().contains(needle)
              && !f.description().toLowerCase(Locale.ROOT).contains(needle))) {
        continue;
      }
      Map<String, Object> json = usage.flagJson(f, lastEvaluated, admin);
      if (stale == null || Boolean.parseBoolean(stale) == (Boolean) json.get("stale")) {
        out.add(json);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("environment", env);
    body.put("flags", out);
    c.json(200, body);
  }

  void create(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    policy.change(c.caller, env);
    RequestBody b = RequestBody.read(c.request, FlagPatch.BODY_FIELDS, true);
    Flag flag = FlagPatch.apply(b, Flag.of(b.requiredString("key")));
    Flag stored = policy.admin(c.caller, env).create(flag, b.string("comment"));
    c.response.setHeader(
        "Location",
        c.base()
            + "/flags/"
            + stored.key()
            + (env.equals(environments.defaultName()) ? "" : "?env=" + env));
    respond(c, 201, stored, env);
  }

  void get(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = policy.admin(c.caller, env);
    Flag flag = existing(admin, c.param("key"));
    respond(c, 200, flag, env);
  }

  void patch(ApiCall c) throws IOException {
    String key = c.param("key");
    String env = environments.resolve(c.query("env"));
    policy.change(c.caller, env);
    long expected = c.ifMatch(requireIfMatch);
    RequestBody b = RequestBody.read(c.request, FlagPatch.BODY_FIELDS, true);
    String newKey = b.string("key");
    if (b.has("key") && !key.equals(newKey)) {
      throw new FlagValidationException(
          "key", "key is immutable: " + RequestBody.quote(String.valueOf(newKey)));
    }
    // Validate against a throwaway flag first, so a bad body is a 400 even for a missing flag.
    FlagPatch.apply(b, Flag.of(key));
    UnaryOperator<Flag> change = f -> FlagPatch.apply(b, f);
    respond(
        c,
        200,
        policy.admin(c.caller, env).update(key, expected, change, b.string("comment")),
        env);
  }

  void archive(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    respond(c, 200, policy.admin(c.caller, env).archive(c.param("key"), c.comment()), env);
  }

  void restore(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    respond(c, 200, policy.admin(c.caller, env).restore(c.param("key"), c.comment()), env);
  }

  void kill(ApiCall c) throws IOException {
    String env = environments.resolve(c.query("env"));
    policy.change(c.caller, env);
    respond(c, 200, policy.admin(c.caller, env).kill(c.param("key"), c.comment()), env);
  }

  void history(ApiCall c) throws IOException {
    String key = c.param("key");
    String env = environments.resolve(c.query("env"));
    int limit = c.intQuery("limit", DEFAULT_HISTORY_LIMIT, 1, AuditQuery.MAX_LIMIT);
    List<Object> entries = new ArrayList<>();
    for (AuditEntry e : policy.admin(c.caller, env).history(key, limit)) {
      entries.add(JsonSupport.audit(e));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flagKey", key);
    body.put("entries", entries);
    c.json(200, body);
  }

  static Flag existing(FlagAdmin admin, String key) {
    return admin.flag(key).orElseThrow(() -> Problem.notFound("flag '" + key + "' does not exist"));
  }

  /** The flag with its ETag, last evaluation and staleness. */
  private void respond(ApiCall c, int status, Flag flag, String env) throws IOException {
    c.response.setHeader("ETag", "\"" + flag.version() + "\"");
    FlagAdmin admin = policy.admin(c.caller, env);
    c.json(status, usage.flagJson(flag, usage.lastEvaluated(env), admin));
  }

  private static String oneOf(ApiCall c, String name, String... allowed) {
    String value = c.query(name);
    if (value != null && !Set.of(allowed).contains(value)) {
      throw Problem.badRequest(
          name, name + " must be " + String.join(", ", allowed) + ": " + RequestBody.quote(value));
    }
    return value;
  }
}
