package dev.tenantflags.jdbc.internal;

import dev.tenantflags.spi.UsageBucket;

/**
 * The column values of one {@code tf_usage} row, for binding by name.
 *
 * <p>Thread safety: immutable.
 *
 * @param environment the environment
 * @param flagKey the flag key
 * @param hourStart the hour, epoch milliseconds
 * @param trueCount evaluations that answered true
 * @param falseCount evaluations that answered false
 * @param refusedCount requests refused
 * @param lastEvaluatedAt epoch milliseconds, or null
 */
public record UsageColumns(
    String environment,
    String flagKey,
    long hourStart,
    long trueCount,
    long falseCount,
    long refusedCount,
    Long lastEvaluatedAt) {

  /**
   * Extracts the columns of a bucket.
   *
   * @param b the bucket
   */
  public UsageColumns(UsageBucket b) {
    this(
        b.environment(),
        b.flagKey(),
        b.hour().toEpochMilli(),
        b.trueCount(),
        b.falseCount(),
        b.refusedCount(),
        b.lastEvaluatedAt() == null ? null : b.lastEvaluatedAt().toEpochMilli());
  }
}
