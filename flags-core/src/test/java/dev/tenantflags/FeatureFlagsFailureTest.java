package dev.tenantflags;

import static dev.tenantflags.TestFlags.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantflags.spi.FailingFlagStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class FeatureFlagsFailureTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void refresh_storeDown_retriesAtThePollIntervalNotInABusyLoop() {
    FailingFlagStore store = new FailingFlagStore(new InMemoryFlagStore());
    FeatureFlags flags = FeatureFlags.builder().store(store).environment(ENV)
        .pollInterval(Duration.ofMillis(100)).build();
    toClose.add(flags);
    store.failing(true);
    long before = store.changeVersionCalls();
    TestFlags.sleep(Duration.ofMillis(1000));
    long polls = store.changeVersionCalls() - before;
    // About 10 polls in a second; a retry loop without delay makes thousands.
    assertThat(polls).isBetween(3L, 30L);
  }
}
