package dev.tenantflags;

/**
 * Receives exposure events for an analytics or experimentation pipeline (opt-in, {@link
 * FeatureFlags.Builder#exposureListener}). Called on one dedicated thread of the client, never on
 * the evaluating thread; events that do not fit the client's bounded queue are dropped and counted
 * ({@link FeatureFlags#exposureDrops()}), so a slow listener never slows evaluation.
 *
 * <p>Thread safety: called from one thread at a time; an exception is logged once and ignored.
 */
@FunctionalInterface
public interface ExposureListener {

  /**
   * Called once per (flag, tenant, value) per window.
   *
   * @param exposure what was evaluated
   */
  void onExposure(Exposure exposure);
}
