package dev.tenantflags.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantflags.AuditQuery;
import dev.tenantflags.Environment;
import dev.tenantflags.FeatureFlags;
import dev.tenantflags.Flag;
import dev.tenantflags.FlagAdmin;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.Status;
import dev.tenantflags.TenantKey;
import dev.tenantflags.TenantOverride;
import dev.tenantflags.servlet.relay.SseClient;
import dev.tenantflags.spi.ChangeSet;
import dev.tenantflags.spi.FlagStoreException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class RemoteFlagStoreTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private InMemoryFlagStore store;
  private FeatureFlags serverFlags;
  private FlagAdmin admin;
  private RelayServer server;

  @BeforeEach
  void setUp() throws Exception {
    store = new InMemoryFlagStore();
    serverFlags = FeatureFlags.builder().store(store).environment("production").build();
    admin = serverFlags.admin("test");
    admin.create(Flag.of("checkout"), null);
    admin.create(Flag.of("search").withState(FlagState.ON), null);
    admin.setOverride("checkout", "acme", true, false, null, null);
    server = RelayServer.start(store, serverFlags);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
    server.close();
    serverFlags.close();
  }

  private RemoteFlagStore remote(RemoteFlagStore.Builder b) {
    RemoteFlagStore r = b.build();
    closeLater.add(r);
    return r;
  }

  private RemoteFlagStore.Builder builder(URI... servers) {
    return RemoteFlagStore.builder()
        .servers(servers)
        .environment("production")
        .token(RelayServer.SDK_TOKEN)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.base().resolve(path))
            .header("Authorization", "Bearer " + RelayServer.SDK_TOKEN);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---- snapshot endpoint -----------------------------------------------------------------------

  @Test
  void snapshot_ifNoneMatchCurrent_is304_andChangeGivesNewEtag() throws Exception {
    HttpResponse<String> first = get("/api/snapshot?env=production");
    assertThat(first.statusCode()).isEqualTo(200);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    long version = store.changeVersion("production");
    assertThat(etag).isEqualTo("\"" + version + "\"");
    assertThat(first.body()).contains("\"version\":" + version, "\"checkout\"", "\"acme\"");

    assertThat(get("/api/snapshot?env=production", "If-None-Match", etag).statusCode())
        .isEqualTo(304);

    admin.kill("search", null);
    await(
        () -> {
          try {
            return get("/api/snapshot?env=production", "If-None-Match", etag).statusCode() == 200;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(get("/api/snapshot?env=production").headers().firstValue("ETag").orElseThrow())
        .isNotEqualTo(etag);
  }

  @Test
  void snapshot_withoutToken_is401() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.base().resolve("/api/snapshot")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void roles_sdkReadsRelayButNotTheApi_evaluatorNeither() throws Exception {
    assertThat(get("/api/flags").statusCode()).isEqualTo(403);
    HttpResponse<String> evaluator =
        http.send(
            HttpRequest.newBuilder(server.base().resolve("/api/stream"))
                .header("Authorization", "Bearer " + RelayServer.EVALUATOR_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(evaluator.statusCode()).isEqualTo(403);
    assertThat(get("/api/snapshot?env=nope").statusCode()).isEqualTo(404);
  }

  // ---- stream endpoint -------------------------------------------------------------------------

  @Test
  void stream_noLastEventId_startsWithSnapshotThenChanges() throws Exception {
    try (SseClient sse =
        new SseClient(
            http,
            server.base().resolve("/api/stream?env=production"),
            RelayServer.SDK_TOKEN,
            null)) {
      assertThat(sse.status).isEqualTo(200);
      SseClient.Event snapshot = sse.next(WAIT);
      assertThat(snapshot.type()).isEqualTo("snapshot");
      assertThat(snapshot.id()).isEqualTo(Long.toString(store.changeVersion("production")));
      admin.kill("search", null);
      SseClient.Event change = sse.next(WAIT);
      assertThat(change.type()).isEqualTo("change");
      assertThat(change.id()).isEqualTo(Long.toString(store.changeVersion("production")));
      assertThat(change.data()).contains("\"key\":\"search\"", "\"state\":\"OFF\"");
      assertThat(change.data()).doesNotContain("\"key\":\"checkout\"");
    }
  }

  @Test
  void stream_lastEventIdInHistory_sendsOnlyWhatWasMissed() throws Exception {
    // A first client makes the relay watch the environment, so the changes below enter its history.
    try (SseClient watcher =
        new SseClient(http, server.base().resolve("/api/stream"), RelayServer.SDK_TOKEN, null)) {
      watcher.next(WAIT);
      long seen = store.changeVersion("production");
      admin.setOverride("checkout", "globex", true, false, null, null);
      admin.kill("search", null);
      long last = store.changeVersion("production");
      awaitEventWithId(watcher, last);
      try (SseClient resumed =
          new SseClient(http, server.base().resolve("/api/stream"), RelayServer.SDK_TOKEN, seen)) {
        List<SseClient.Event> got = new ArrayList<>();
        while (got.isEmpty() || !got.get(got.size() - 1).id().equals(Long.toString(last))) {
          SseClient.Event e = resumed.next(WAIT);
          assertThat(e).isNotNull();
          got.add(e);
        }
        assertThat(got).extracting(SseClient.Event::type).containsOnly("change");
        assertThat(String.join("\n", got.stream().map(SseClient.Event::data).toList()))
            .contains("\"globex\"", "\"state\":\"OFF\"");
      }
    }
  }

  @Test
  void stream_lastEventIdOlderThanHistory_sendsSnapshot() throws Exception {
    server.close();
    server = RelayServer.start(store, serverFlags, 0, b -> b.historySize(2));
    try (SseClient watcher =
        new SseClient(http, server.base().resolve("/api/stream"), RelayServer.SDK_TOKEN, null)) {
      watcher.next(WAIT);
      long old = store.changeVersion("production");
      for (int i = 0; i < 5; i++) {
        admin.setOverride("checkout", "t" + i, true, false, null, null);
        awaitEventWithId(watcher, store.changeVersion("production"));
      }
      try (SseClient resumed =
          new SseClient(http, server.base().resolve("/api/stream"), RelayServer.SDK_TOKEN, old)) {
        SseClient.Event first = resumed.next(WAIT);
        assertThat(first.type()).isEqualTo("snapshot");
        assertThat(first.data()).contains("\"t4\"");
      }
    }
  }

  private static void awaitEventWithId(SseClient sse, long id) throws InterruptedException {
    while (true) {
      SseClient.Event e = sse.next(WAIT);
      assertThat(e).as("event %s", id).isNotNull().isNotEqualTo(SseClient.END);
      if (Long.toString(id).equals(e.id())) {
        return;
      }
    }
  }

  // ---- RemoteFlagStore -------------------------------------------------------------------------

  @Test
  void build_mirrorsFlagsAndOverrides() {
    RemoteFlagStore remote = remote(builder(server.base()));
    assertThat(remote.changeVersion("production")).isEqualTo(store.changeVersion("production"));
    assertThat(remote.loadFlags("production").flags())
        .isEqualTo(store.loadFlags("production").flags());
    assertThat(remote.loadFlags("production").flagsWithOverrides()).containsExactly("checkout");
    assertThat(remote.loadTenantOverrides("production", "acme"))
        .isEqualTo(store.loadTenantOverrides("production", "acme"));
    assertThat(remote.loadFlagOverrides("production", "checkout")).hasSize(1);
    assertThat(remote.loadOverrides("production").overrides())
        .isEqualTo(store.loadOverrides("production").overrides());
    assertThat(remote.overrideCount("production")).isEqualTo(1);
    assertThat(remote.loadFlag("production", "search")).isPresent();
    assertThat(remote.environments()).containsExactly(Environment.implicit("production"));
  }

  @Test
  void changes_areMirrored_andChangesSinceNamesTheirTenants() throws Exception {
    RemoteFlagStore remote = remote(builder(server.base()));
    AtomicLong notified = new AtomicLong();
    remote.subscribe("production", notified::set);
    long before = remote.changeVersion("production");
    await(remote::isConnected);
    admin.setOverride("checkout", "globex", false, true, "pilot", null);
    admin.clearOverride("checkout", "acme", null);
    long after = store.changeVersion("production");
    await(() -> remote.changeVersion("production") == after);
    assertThat(notified.get()).isEqualTo(after);
    assertThat(remote.loadTenantOverrides("production", "acme")).isEmpty();
    assertThat(remote.loadTenantOverrides("production", "globex"))
        .extracting(TenantOverride::locked, TenantOverride::note)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(true, "pilot"));
    ChangeSet changes = remote.changesSince("production", before);
    assertThat(changes.complete()).isTrue();
    assertThat(changes.tenantIds()).containsExactlyInAnyOrder("acme", "globex");
    assertThat(remote.changesSince("production", before - 100).complete()).isFalse();
  }

  @Test
  void writes_throwReadOnlyNamingTheAdminApi() {
    RemoteFlagStore remote = remote(builder(server.base()));
    List<Runnable> writes =
        List.of(
            () -> remote.createFlag("production", Flag.of("x"), null),
            () -> remote.updateFlag("production", Flag.of("x"), 1, null),
            () -> remote.putOverride("production", null, o -> null),
            () -> remote.deleteOverride("production", "x", "acme", o -> null),
            () -> remote.createEnvironment(new Environment("dev", false), null),
            () -> remote.deleteEnvironment("dev", null));
    for (Runnable write : writes) {
      assertThatThrownBy(write::run)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("RemoteFlagStore is read-only")
          .hasMessageContaining(server.base() + "api/flags");
    }
    assertThatThrownBy(() -> remote.audit(AuditQuery.recent("production", 10)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void build_serverDown_readsFailUntilTheStreamDeliversASnapshot() throws Exception {
    int port = server.port();
    server.close();
    RemoteFlagStore remote =
        remote(
            builder(URI.create("http://127.0.0.1:" + port + "/"))
                .connectTimeout(Duration.ofMillis(300)));
    assertThatThrownBy(() -> remote.loadFlags("production")).isInstanceOf(FlagStoreException.class);
    server = RelayServer.start(store, serverFlags, port, b -> {});
    await(() -> remote.isConnected());
    await(
        () -> {
          try {
            return remote.loadFlags("production").flags().size() == 2;
          } catch (FlagStoreException e) {
            return false;
          }
        });
  }

  @Test
  void serverRestart_storeReconnectsAndGetsWhatItMissed() throws Exception {
    int port = server.port();
    RemoteFlagStore remote = remote(builder(server.base()).staleAfter(Duration.ofSeconds(30)));
    await(remote::isConnected);
    server.close();
    await(() -> !remote.isConnected());
    admin.kill("search", null);
    long after = store.changeVersion("production");
    server = RelayServer.start(store, serverFlags, port, b -> {});
    await(() -> remote.changeVersion("production") == after);
    assertThat(remote.loadFlag("production", "search").orElseThrow().state())
        .isEqualTo(FlagState.OFF);
    assertThat(remote.isConnected()).isTrue();
  }

  @Test
  void failover_connectedServerDies_resumesOnTheOtherWithoutLoss() throws Exception {
    FeatureFlags otherFlags = FeatureFlags.builder().store(store).environment("production").build();
    closeLater.add(otherFlags);
    RelayServer other = RelayServer.start(store, otherFlags, 0, b -> {});
    RemoteFlagStore remote = remote(builder(server.base(), other.base()).randomFirstServer(false));
    await(remote::isConnected);
    await(() -> server.broadcaster.stats().openStreams() == 1);
    server.close();
    admin.setOverride("search", "initech", false, false, null, null);
    long after = store.changeVersion("production");
    try {
      await(() -> remote.changeVersion("production") == after);
      assertThat(other.broadcaster.stats().openStreams()).isEqualTo(1);
      assertThat(remote.loadTenantOverrides("production", "initech")).hasSize(1);
    } finally {
      other.close();
      server = RelayServer.start(store, serverFlags, 0, b -> {});
    }
  }

  @Test
  void streamLost_clientGoesStale_andRecovers() throws Exception {
    int port = server.port();
    RemoteFlagStore remote = remote(builder(server.base()).staleAfter(Duration.ofMillis(200)));
    FeatureFlags client =
        FeatureFlags.builder()
            .store(remote)
            .environment("production")
            .pollInterval(Duration.ofMillis(50))
            .build();
    closeLater.add(client);
    await(() -> client.status().state() == Status.State.READY);
    server.close();
    await(() -> client.status().state() == Status.State.STALE);
    assertThat(client.isEnabled("search", TenantKey.of("acme"))).isTrue();
    server = RelayServer.start(store, serverFlags, port, b -> {});
    await(() -> client.status().state() == Status.State.READY);
  }

  @Test
  void featureFlags_overRemoteStore_seesAdminApiChangeQuickly() throws Exception {
    RemoteFlagStore remote = remote(builder(server.base()));
    FeatureFlags client = FeatureFlags.builder().store(remote).environment("production").build();
    closeLater.add(client);
    TenantKey globex = TenantKey.of("globex");
    assertThat(client.isEnabled("checkout", globex)).isFalse();
    await(remote::isConnected);

    long start = System.nanoTime();
    HttpResponse<String> patch =
        http.send(
            HttpRequest.newBuilder(server.base().resolve("/api/flags/checkout?env=production"))
                .header("Authorization", "Bearer " + RelayServer.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"state\":\"ON\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
    await(() -> client.isEnabled("checkout", globex));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // Pushed, not polled: well under the client's 1 s poll plus the relay's poll on a quiet
    // machine;
    // the bound is generous because the machine is shared.
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(client.evaluate("checkout", TenantKey.of("acme")).enabled()).isTrue();
    assertThat(Optional.ofNullable(client.status().lastRefresh())).isPresent();
  }
}
