package dev.tenantflags.servlet.relay;

/**
 * Counters of a {@link ChangeBroadcaster}, for monitoring and the scale harness.
 *
 * <p>Thread safety: immutable.
 *
 * @param openStreams streams open now
 * @param streamsOpened streams opened since start
 * @param slowConsumersDropped streams ended because the client did not keep up
 * @param snapshotsSent snapshot events sent (first connects and resumes from too far back)
 * @param environments environments being relayed
 */
public record RelayStats(
    int openStreams,
    long streamsOpened,
    long slowConsumersDropped,
    long snapshotsSent,
    int environments) {}
