package dev.tenantflags;

/**
 * The one home of the open-addressing arithmetic shared by {@link StringSet} and {@link
 * TenantOverrides}: table sizing and the Fibonacci spread. Stateless.
 */
final class OpenAddressing {
  private OpenAddressing() {}

  /**
   * Fibonacci hashing: keys such as {@code plan-0001, plan-0002} have consecutive hash codes, which
   * with linear probing would form one long run that every miss has to scan; multiplying scatters
   * them.
   */
  static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** A power of two of at least {@code minimum} slots and at most half full with {@code size}. */
  static int slots(int size, int minimum) {
    int slots = minimum;
    while (slots < size * 2) {
      slots <<= 1;
    }
    return slots;
  }
}
