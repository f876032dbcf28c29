package dev.tenantflags.jdbc.internal;

import java.util.Optional;

/**
 * The one definition of tenantflags' PostgreSQL notifications: the channel, and the payload {@code
 * <environment>:<change version>} that writers send and the listener parses. Not part of the public
 * API.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class PgNotify {
  /** The channel every write notifies and every listener listens on. */
  public static final String CHANNEL = "tenantflags";

  private PgNotify() {}

  /**
   * One parsed notification.
   *
   * @param environment the environment that changed
   * @param version its new change version
   */
  public record Change(String environment, long version) {}

  /**
   * Encodes a payload.
   *
   * @param environment the environment name (never contains {@code :})
   * @param version the change version
   * @return the payload
   */
  public static String payload(String environment, long version) {
    return environment + ":" + version;
  }

  /**
   * Parses a payload; anything malformed (another application on the channel) is ignored.
   *
   * @param payload the payload, possibly null
   * @return the change, or empty when it is not one of ours
   */
  public static Optional<Change> parse(String payload) {
    int colon = payload == null ? -1 : payload.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Change(payload.substring(0, colon), Long.parseLong(payload.substring(colon + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
