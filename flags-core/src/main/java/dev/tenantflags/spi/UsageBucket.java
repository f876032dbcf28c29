package dev.tenantflags.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Usage counts of one flag in one environment during one hour (SPEC §8). Stores add buckets up
 * ({@link FlagStore#addUsage}), so the counts of many client instances sum.
 *
 * <p>Thread safety: immutable.
 *
 * @param environment the environment name
 * @param flagKey the flag key
 * @param hour the start of the hour (UTC, truncated to the hour)
 * @param trueCount evaluations that answered true
 * @param falseCount evaluations that answered false
 * @param refusedCount requests the servlet filter refused because of this flag
 * @param lastEvaluatedAt the latest evaluation within the hour, or null when none was counted
 */
public record UsageBucket(
    String environment,
    String flagKey,
    Instant hour,
    long trueCount,
    long falseCount,
    long refusedCount,
    Instant lastEvaluatedAt) {

  /**
   * Creates a bucket.
   *
   * @throws NullPointerException if a name or the hour is null
   * @throws IllegalArgumentException if a count is negative or the hour is not whole
   */
  public UsageBucket {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(hour, "hour");
    if (trueCount < 0 || falseCount < 0 || refusedCount < 0) {
      throw new IllegalArgumentException("usage counts must not be negative");
    }
    if (hour.getEpochSecond() % 3600 != 0 || hour.getNano() != 0) {
      throw new IllegalArgumentException("hour must be a whole UTC hour: " + hour);
    }
  }
}
