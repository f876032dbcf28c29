package dev.tenantflags.servlet;

import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.spi.UsageBucket;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage (SPEC §8): {@code GET /flags/{key}/usage} (hourly counts, totals, last evaluation) and the
 * {@code lastEvaluatedAt} / {@code stale} fields of flag JSON.
 *
 * <p>A flag is stale when neither an evaluation nor a change happened within {@code staleAfter} (a
 * flag changed recently gets that long to be evaluated), or when it has been fully on (ON, or
 * ROLLOUT 100 % with an empty scope) and unchanged for that long with no overrides. Archived flags
 * are never stale. A store that keeps no usage makes every {@code lastEvaluatedAt} null and the
 * usage endpoint a 501.
 */
final class UsageResource {

  private static final Duration DEFAULT_RANGE = Duration.ofDays(7);
  private static final Duration MAX_RANGE = Duration.ofDays(400);

  private final EnvironmentClients environments;
  private final Duration staleAfter;
  private final Clock clock;

  UsageResource(EnvironmentClients environments, Duration staleAfter, Clock clock) {
    this.environments = environments;
    this.staleAfter = staleAfter;
    this.clock = clock;
  }

  void get(ApiCall c) throws IOException {
    String key = c.param("key");
    String env = environments.resolve(c.query("env"));
    FlagAdmin admin = environments.client(env).admin(c.caller.name());
    Flag flag = FlagsResource.existing(admin, key);
    Instant to = instant(c, "to", clock.instant());
    Instant from = instant(c, "from", to.minus(DEFAULT_RANGE));
    if (from.isAfter(to)) {
      throw Problem.badRequest("from", "from must not be after to");
    }
    if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw Problem.badRequest("from", "from and to must be at most 400 days apart");
    }
    List<UsageBucket> buckets;
    try {
      buckets = admin.usage(key, from, to);
    } catch (UnsupportedOperationException e) {
      throw new Problem(501, "usage-unavailable", "Not implemented", "this store keeps no usage");
    }
    long t = 0;
    long f = 0;
    long r = 0;
    List<Object> hours = new ArrayList<>();
    for (UsageBucket b : buckets) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("hour", b.hour().toEpochMilli());
      h.put("true", b.trueCount());
      h.put("false", b.falseCount());
      h.put("refused", b.refusedCount());
      hours.add(h);
      t += b.trueCount();
      f += b.falseCount();
      r += b.refusedCount();
    }
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("true", t);
    totals.put("false", f);
    totals.put("refused", r);
    Map<String, Instant> evaluated = lastEvaluated(env);
    Instant last = evaluated == null ? null : evaluated.get(key);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("flag", key);
    body.put("from", from.toEpochMilli());
    body.put("to", to.toEpochMilli());
    body.put("hours", hours);
    body.put("totals", totals);
    body.put("lastEvaluatedAt", last == null ? null : last.toEpochMilli());
    body.put("stale", stale(flag, last, admin));
    c.json(200, body);
  }

  /**
   * When each flag of the environment was last evaluated (one store read per listing), or null when
   * the store keeps no usage.
   */
  Map<String, Instant> lastEvaluated(String env) {
    try {
      return environments.client(env).admin("api").lastEvaluated();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  /** A flag's JSON with {@code lastEvaluatedAt} and {@code stale}. */
  Map<String, Object> flagJson(Flag flag, Map<String, Instant> lastEvaluated, FlagAdmin admin) {
    Map<String, Object> m = JsonSupport.flag(flag);
    Instant last = lastEvaluated == null ? null : lastEvaluated.get(flag.key());
    m.put("lastEvaluatedAt", last == null ? null : last.toEpochMilli());
    m.put("stale", lastEvaluated != null && stale(flag, last, admin));
    return m;
  }

  private boolean stale(Flag flag, Instant lastEvaluated, FlagAdmin admin) {
    if (flag.archived() || flag.updatedAt() == null) {
      return false;
    }
    Instant threshold = clock.instant().minus(staleAfter);
    Instant changed = flag.updatedAt();
    if (changed.isAfter(threshold)) {
      return false;
    }
    if (lastEvaluated == null || lastEvaluated.isBefore(threshold)) {
      return true;
    }
    boolean fullyOn =
        flag.state() == FlagState.ON
            || (flag.state() == FlagState.ROLLOUT
                && flag.rolloutBasisPoints() == 10_000
                && flag.scope().isEmpty());
    // Overrides are read only for the few flags that are fully on and old.
    return fullyOn && admin != null && admin.overrides(flag.key()).isEmpty();
  }

  private static Instant instant(ApiCall c, String name, Instant fallback) {
    String v = c.query(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    if (v.length() <= 19 && v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(v));
      } catch (NumberFormatException | java.time.DateTimeException e) {
        // reported below
      }
    } else if (v.length() <= 40) {
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw Problem.badRequest(
        name, name + " must be epoch milliseconds or an ISO-8601 instant: " + RequestBody.quote(v));
  }
}
