package dev.tenantflags;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Deterministic rollout bucketing (SPEC §3): the first 8 bytes of {@code SHA-256(UTF-8(id + ":" +
 * salt))}, read as an unsigned big-endian 64-bit integer, modulo 10000.
 *
 * <p>Any language can reproduce it; raising a percentage only ever adds tenants because a tenant is
 * in when {@code bucket < basisPoints}. Unpaired surrogates encode as {@code '?'}, as {@link
 * String#getBytes(java.nio.charset.Charset)} does.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class Bucketing {

  /** The number of buckets; a bucket is in 0..9999, one per basis point. */
  public static final int BUCKETS = 10_000;

  /*
   * Performance: each thread keeps one MessageDigest and its scratch arrays, and the string is
   * encoded to UTF-8 by hand, so a call allocates nothing once the thread has hashed an input of
   * that length (the buffer only grows).
   */
  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  private Bucketing() {}

  /**
   * Returns the bucket of a tenant for a salt.
   *
   * @param tenantId the tenant id
   * @param salt the flag's salt (its key unless set)
   * @return the bucket, 0 to 9999
   * @throws NullPointerException if an argument is null
   */
  public static int bucket(String tenantId, String salt) {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(salt, "salt");
    return HASHER.get().bucket(tenantId, salt);
  }

  private static final class Hasher {
    private final MessageDigest digest;
    private final byte[] out = new byte[32];
    private byte[] buffer = new byte[128];

    Hasher() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform must provide SHA-256", e);
      }
    }

    int bucket(String id, String salt) {
      int length = encode(id, 0);
      length = ensure(length + 1);
      buffer[length - 1] = ':';
      length = encode(salt, length);
      digest.update(buffer, 0, length);
      try {
        digest.digest(out, 0, out.length);
      } catch (DigestException e) {
        throw new IllegalStateException("sha-256 digest failed", e);
      }
      long high = 0;
      for (int i = 0; i < 8; i++) {
        high = (high << 8) | (out[i] & 0xFF);
      }
      return (int) Long.remainderUnsigned(high, BUCKETS);
    }

    /** Grows the buffer to hold {@code length} bytes and returns {@code length}. */
    private int ensure(int length) {
      if (length > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(length, buffer.length * 2));
      }
      return length;
    }

    /** Appends the UTF-8 encoding of {@code s} at {@code at}; returns the new length. */
    private int encode(String s, int at) {
      ensure(at + s.length() * 3);
      byte[] b = buffer;
      int n = at;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          b[n++] = (byte) c;
        } else if (c < 0x800) {
          b[n++] = (byte) (0xC0 | (c >> 6));
          b[n++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[n++] = (byte) (0xF0 | (cp >> 18));
          b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[n++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(c)) {
          b[n++] = '?';
        } else {
          b[n++] = (byte) (0xE0 | (c >> 12));
          b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[n++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      return n;
    }
  }
}
