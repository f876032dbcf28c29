package dev.tenantflags.jdbc.internal;

import dev.tenantflags.ApiToken;
import dev.tenantflags.AuditEntry;
import dev.tenantflags.FlagConflictException;
import dev.tenantflags.FlagNotFoundException;
import dev.tenantflags.spi.UsageBucket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.PreparedBatch;

/*
 * Concurrency: addUsage applies its buckets in (environment, flag, hour) order, so two instances
 * flushing at once lock rows in one order and cannot deadlock; the upsert itself is one atomic
 * statement per bucket (see the dialect units). Token writes first bump the single tf_token_version
 * row, which serialises them and makes the version rise in the same transaction as the change.
 * touchTokens only moves last_used_at forward (a WHERE clause), so batches from many instances in
 * any order end at the latest time, and a retry is harmless.
 */
/**
 * Usage counts (SPEC §8) and API tokens (SPEC §6) in the JDBC store. Not part of the public API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class AccessStore {
  private static final Comparator<UsageBucket> BUCKET_ORDER =
      Comparator.comparing(UsageBucket::environment)
          .thenComparing(UsageBucket::flagKey)
          .thenComparing(UsageBucket::hour);

  private final StoreCalls calls;
  private final SqlDialect dialect;

  /**
   * Creates the usage and token access.
   *
   * @param calls runs the calls
   * @param dialect the dialect unit
   */
  public AccessStore(StoreCalls calls, SqlDialect dialect) {
    this.calls = calls;
    this.dialect = dialect;
  }

  /**
   * See {@code FlagStore.addUsage}.
   *
   * @param buckets the buckets
   */
  public void addUsage(List<UsageBucket> buckets) {
    Objects.requireNonNull(buckets, "buckets");
    if (buckets.isEmpty()) {
      return;
    }
    List<UsageBucket> ordered = new ArrayList<>(buckets);
    ordered.sort(BUCKET_ORDER);
    calls.write(
        Operation.ADD_USAGE,
        h -> {
          for (UsageBucket b : ordered) {
            dialect.addUsage(h, b);
          }
          return null;
        });
  }

  /**
   * See {@code FlagStore.usage}.
   *
   * @param environment the environment
   * @param flagKey the flag
   * @param from the first hour
   * @param to the end, exclusive
   * @return the buckets, oldest first
   */
  public List<UsageBucket> usage(String environment, String flagKey, Instant from, Instant to) {
    return calls.read(
        Operation.READ_USAGE,
        h ->
            h.attach(AccessDao.class)
                .usage(environment, flagKey, from.toEpochMilli(), to.toEpochMilli()));
  }

  /**
   * See {@code FlagStore.lastEvaluated}.
   *
   * @param environment the environment
   * @return flag key to last evaluation
   */
  public Map<String, Instant> lastEvaluated(String environment) {
    Map<String, Instant> out = new TreeMap<>();
    for (Map.Entry<String, Instant> e :
        calls.read(
            Operation.READ_LAST_EVALUATED,
            h -> h.attach(AccessDao.class).lastEvaluated(environment))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /**
   * See {@code FlagStore.tokens}.
   *
   * @return the tokens, by name
   */
  public List<ApiToken> tokens() {
    return calls.read(Operation.LIST_TOKENS, h -> h.attach(AccessDao.class).tokens());
  }

  /**
   * See {@code FlagStore.createToken}.
   *
   * @param token the token
   * @param audit the audit entry
   * @return the stored audit entry
   */
  public AuditEntry createToken(ApiToken token, AuditEntry audit) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(audit, "audit");
    return calls.write(
        Operation.CREATE_TOKEN,
        h -> {
          AccessDao dao = h.attach(AccessDao.class);
          dao.bumpTokenVersion();
          if (dao.tokenExists(token.name()) > 0) {
            throw new FlagConflictException(
                FlagConflictException.Kind.ALREADY_EXISTS,
                "token " + FlagWrites.quote(token.name()) + " already exists");
          }
          dao.insertToken(new AccessDao.TokenColumns(token));
          return FlagWrites.insertAudit(h.attach(StoreDao.class), audit);
        });
  }

  /**
   * See {@code FlagStore.revokeToken}.
   *
   * @param name the token name
   * @param audit the audit entry
   * @return the stored audit entry
   */
  public AuditEntry revokeToken(String name, AuditEntry audit) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(audit, "audit");
    return calls.write(
        Operation.REVOKE_TOKEN,
        h -> {
          AccessDao dao = h.attach(AccessDao.class);
          dao.bumpTokenVersion();
          if (dao.deleteToken(name) == 0) {
            throw new FlagNotFoundException("token " + FlagWrites.quote(name) + " does not exist");
          }
          return FlagWrites.insertAudit(h.attach(StoreDao.class), audit);
        });
  }

  /**
   * See {@code FlagStore.touchTokens}.
   *
   * @param lastUsed token name to last use
   */
  public void touchTokens(Map<String, Instant> lastUsed) {
    Objects.requireNonNull(lastUsed, "lastUsed");
    if (lastUsed.isEmpty()) {
      return;
    }
    // Name order: concurrent batches lock rows in one order.
    Map<String, Instant> ordered = new TreeMap<>(lastUsed);
    calls.write(
        Operation.TOUCH_TOKENS,
        h -> {
          // A plain JDBC batch: JDBI's @SqlBatch would open its own transaction inside SQLite's
          // BEGIN IMMEDIATE.
          PreparedBatch batch = h.prepareBatch(AccessDao.TOUCH_TOKEN);
          ordered.forEach(
              (name, at) -> batch.bind("name", name).bind("at", at.toEpochMilli()).add());
          batch.execute();
          return null;
        });
  }

  /**
   * See {@code FlagStore.tokenVersion}.
   *
   * @return the token version
   */
  public long tokenVersion() {
    return calls.read(
        Operation.READ_TOKEN_VERSION,
        h -> {
          List<Long> v = h.attach(AccessDao.class).tokenVersion();
          return v.isEmpty() ? 0L : v.get(0);
        });
  }
}
