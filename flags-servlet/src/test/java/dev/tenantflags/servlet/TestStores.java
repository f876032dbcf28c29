package dev.tenantflags.servlet;

import dev.tenantflags.jdbc.JdbiFlagStore;
import dev.tenantflags.spi.FlagStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The store every HTTP test of this module runs against: a real SQLite {@code JdbiFlagStore} on a
 * fresh temporary file, so the API is tested over JDBC as it runs in flags-server.
 */
final class TestStores {
  private TestStores() {}

  static FlagStore newStore() {
    try {
      Path dir = Files.createTempDirectory("tenantflags-servlet-test");
      dir.toFile().deleteOnExit();
      Path db = dir.resolve("flags.db");
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        dir.resolve("flags.db" + suffix).toFile().deleteOnExit();
      }
      return JdbiFlagStore.create("jdbc:sqlite:" + db);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
