package dev.tenantflags;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Design note
 *
 * Why: SHA-256 bucketing (SPEC §3) costs about 100 ns per call even with the CPU's SHA instructions,
 * most of it MessageDigest bookkeeping; a ROLLOUT check should cost a few tens. A tenant's bucket for
 * a salt never changes, so it is computed once and remembered.
 *
 * Shape: one map per salt (tenant id -> boxed bucket), shared by every snapshot, so a flag change
 * (a new snapshot every time) does not forget the buckets. A compiled ROLLOUT flag holds its salt's
 * map directly, so a check is one ConcurrentHashMap.get. Buckets are boxed from a shared table of the
 * 10,000 possible values: remembering allocates one map node, a hit allocates nothing.
 *
 * Memory: at most `limit` (tenant, salt) pairs in all (about 40 bytes each). When full, everything is
 * forgotten at once and refilled; that is crude, but never slower than not caching, needs no
 * bookkeeping on the hit path, and only happens with more distinct pairs than the limit.
 *
 * Concurrency: lock-free. A bucket is a pure function of its key, so racing writers store equal
 * values, and clearing concurrently with a fill at worst forgets one pair.
 */
/** Remembers rollout buckets per (tenant id, salt). Thread-safe. */
final class BucketCache {
  private static final Integer[] BOXED = new Integer[Bucketing.BUCKETS];

  static {
    for (int i = 0; i < BOXED.length; i++) {
      BOXED[i] = i;
    }
  }

  private final ConcurrentHashMap<String, PerSalt> bySalt = new ConcurrentHashMap<>();
  private final AtomicLong size = new AtomicLong();
  private final long limit;

  BucketCache(long limit) {
    this.limit = limit;
  }

  /** The buckets of one salt; the same object for the same salt for this cache's lifetime. */
  PerSalt forSalt(String salt) {
    return bySalt.computeIfAbsent(salt, s -> new PerSalt(this, s));
  }

  private void remembered() {
    if (size.incrementAndGet() > limit) {
      size.set(0);
      for (PerSalt perSalt : bySalt.values()) {
        perSalt.buckets.clear();
      }
    }
  }

  /** The remembered buckets of one salt. */
  static final class PerSalt {
    private final BucketCache owner;
    private final String salt;
    private final ConcurrentHashMap<String, Integer> buckets = new ConcurrentHashMap<>();

    private PerSalt(BucketCache owner, String salt) {
      this.owner = owner;
      this.salt = salt;
    }

    /** Same as {@link Bucketing#bucket(String, String)} for this salt. */
    int bucket(String tenantId) {
      Integer known = buckets.get(tenantId);
      if (known != null) {
        return known;
      }
      int bucket = Bucketing.bucket(tenantId, salt);
      if (buckets.putIfAbsent(tenantId, BOXED[bucket]) == null) {
        owner.remembered();
      }
      return bucket;
    }
  }
}
