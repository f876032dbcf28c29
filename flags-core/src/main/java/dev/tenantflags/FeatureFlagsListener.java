package dev.tenantflags;

import dev.tenantflags.spi.UnreadableRow;
import java.util.List;
import java.util.Set;

/**
 * Receives a {@link FeatureFlags} client's status changes, flag changes and unreadable rows. Every
 * method has a no-op default; override what you need.
 *
 * <p>Callbacks run one at a time: on the client's refresh thread, on the thread that called {@code
 * build()} (start-up outcome), or on a thread that just wrote through {@link
 * FeatureFlags#admin(String)} (read-your-writes refresh). They must return quickly, must not write
 * through the client's admin, and should not throw (an exception is logged and ignored). Thread
 * safety: implementations are called from one thread at a time.
 */
public interface FeatureFlagsListener {

  /**
   * Called when the client's state changes, e.g. READY to STALE when the store is lost.
   *
   * @param previous the status before
   * @param current the status now
   */
  default void onStatusChanged(Status previous, Status current) {}

  /**
   * Called after a refresh installed flags that differ from the previous ones, including changes
   * made by other processes.
   *
   * @param changedKeys the keys of flags that were created, changed, or removed
   */
  default void onFlagsChanged(Set<String> changedKeys) {}

  /**
   * Called when the set of stored rows the client cannot read changes (SPEC §4), including when it
   * becomes empty because they were repaired.
   *
   * @param rows the unreadable rows now
   */
  default void onUnreadableRows(List<UnreadableRow> rows) {}
}
