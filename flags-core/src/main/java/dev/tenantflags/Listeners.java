package dev.tenantflags;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's {@link FeatureFlagsListener}s and how they are told: each call isolated, so one
 * failing listener neither stops the others nor the refresher. Thread-safe; the refresher calls it
 * under its state lock, so listeners are called one at a time.
 */
final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureFlags.class);

  private final List<FeatureFlagsListener> all = new CopyOnWriteArrayList<>();

  void add(FeatureFlagsListener listener) {
    all.add(listener);
  }

  void remove(FeatureFlagsListener listener) {
    all.remove(listener);
  }

  void status(Status before, Status after) {
    for (FeatureFlagsListener listener : all) {
      try {
        listener.onStatusChanged(before, after);
      } catch (RuntimeException e) {
        LOG.warn("status listener failed", e);
      }
    }
  }

  void unreadable(Snapshot before, Snapshot after, String environment) {
    if (before == null && after.unreadable.isEmpty()) {
      return;
    }
    if (!after.unreadable.isEmpty()) {
      LOG.warn(
          "{} stored rows of environment '{}' cannot be read; see the client status",
          after.unreadable.size(),
          environment);
    }
    for (FeatureFlagsListener listener : all) {
      try {
        listener.onUnreadableRows(after.unreadable);
      } catch (RuntimeException e) {
        LOG.warn("unreadable-rows listener failed", e);
      }
    }
  }

  void flags(Snapshot before, Snapshot after) {
    if (all.isEmpty()) {
      return;
    }
    Set<String> changed = new HashSet<>();
    for (Flag flag : after.flags) {
      CompiledFlag old = before == null ? null : before.flag(flag.key());
      if (old == null
          || old.flag == null
          || !old.flag.equals(flag)
          || old.hasOverrides != after.flag(flag.key()).hasOverrides) {
        changed.add(flag.key());
      }
    }
    if (before != null) {
      for (Flag flag : before.flags) {
        if (after.flag(flag.key()) == null) {
          changed.add(flag.key());
        }
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    Set<String> keys = Collections.unmodifiableSet(changed);
    for (FeatureFlagsListener listener : all) {
      try {
        listener.onFlagsChanged(keys);
      } catch (RuntimeException e) {
        LOG.warn("flag change listener failed", e);
      }
    }
  }
}
