package dev.tenantflags.servlet.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantflags.spi.FlagStoreException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /api/snapshot} and {@code GET /api/stream} of SPEC §10 for one {@link
 * ChangeBroadcaster}. The caller (the admin API's router, or {@link RelayServlet}) has already
 * authenticated the request, checked the SDK role and chosen the environment.
 *
 * <ul>
 *   <li>Snapshot: the environment's flags and overrides in the export format (with its change
 *       {@code version}), {@code ETag: "<version>"}; {@code If-None-Match} with that tag gives 304.
 *   <li>Stream: {@code text/event-stream}; a {@code snapshot} event (id = version), then one {@code
 *       change} event per change (id = change version, data {@code {"version", "previous", "flags",
 *       "overrides": {"<tenant>": [...]}}}), comment heartbeats. With {@code Last-Event-ID} the
 *       client gets only what it missed, or a snapshot when that is too old.
 * </ul>
 *
 * <p>The stream uses servlet async I/O: register the servlet with async support.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class RelayEndpoints {

  private static final Logger LOG = LoggerFactory.getLogger(RelayEndpoints.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ChangeBroadcaster broadcaster;

  /**
   * Creates the endpoints.
   *
   * @param broadcaster the broadcaster whose environments they serve
   */
  public RelayEndpoints(ChangeBroadcaster broadcaster) {
    this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
  }

  /**
   * Answers a snapshot request.
   *
   * @param request the request (its {@code If-None-Match} is honoured)
   * @param response the response
   * @param environment the environment, already validated as a name
   * @throws IOException if writing fails
   */
  public void snapshot(HttpServletRequest request, HttpServletResponse response, String environment)
      throws IOException {
    Channel channel = channel(response, environment);
    if (channel == null) {
      return;
    }
    Channel.State state = channel.state();
    String etag = "\"" + state.version + "\"";
    response.setHeader("ETag", etag);
    response.setHeader("Cache-Control", "no-cache");
    if (matches(request.getHeader("If-None-Match"), etag)) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    byte[] body = state.snapshotJson();
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /**
   * Opens an event stream: the request goes async and stays open until the client leaves, is
   * dropped, or the broadcaster closes.
   *
   * @param request the request (its {@code Last-Event-ID} is honoured); must support async
   * @param response the response
   * @param environment the environment, already validated as a name
   * @throws IOException if writing fails
   */
  public void stream(HttpServletRequest request, HttpServletResponse response, String environment)
      throws IOException {
    Channel channel = channel(response, environment);
    if (channel == null) {
      return;
    }
    if (!broadcaster.acquire()) {
      problem(
          response,
          503,
          "too-many-streams",
          "Service unavailable",
          "this server has reached its limit of open streams; try another or retry later");
      return;
    }
    SseStream stream = null;
    try {
      response.setStatus(HttpServletResponse.SC_OK);
      response.setContentType("text/event-stream;charset=utf-8");
      response.setHeader("Cache-Control", "no-store");
      response.setHeader("X-Accel-Buffering", "no");
      AsyncContext async = request.startAsync();
      async.setTimeout(0);
      ChangeBroadcaster.Builder s = broadcaster.settings();
      SseStream[] self = new SseStream[1];
      stream =
          new SseStream(
              async,
              s.bufferEvents,
              s.bufferBytes,
              why -> broadcaster.ended(channel, self[0], why));
      self[0] = stream;
      stream.start();
      stream.offer(RelayEvents.OPENING);
      if (channel.register(stream, lastEventId(request))) {
        broadcaster.snapshotSent();
      }
    } catch (IOException | RuntimeException e) {
      if (stream == null) {
        broadcaster.ended(channel, null, SseStream.End.CLIENT_GONE);
      } else {
        stream.abort();
      }
      throw e;
    }
  }

  private Channel channel(HttpServletResponse response, String environment) throws IOException {
    try {
      Channel channel = broadcaster.channel(environment);
      if (channel == null) {
        problem(
            response,
            404,
            "not-found",
            "Not found",
            "environment does not exist: '" + quote(environment) + "'");
      }
      return channel;
    } catch (FlagStoreException e) {
      LOG.debug("relay cannot serve environment: {}", e.toString());
      response.setHeader("Retry-After", "2");
      problem(
          response,
          503,
          "store-unavailable",
          "Service unavailable",
          "the flag store is unavailable; try again");
      return null;
    }
  }

  private static Long lastEventId(HttpServletRequest request) {
    String id = request.getHeader("Last-Event-ID");
    if (id == null || id.isBlank() || id.length() > 19) {
      return null;
    }
    try {
      return Long.parseLong(id.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(etag) || t.equals("*")) {
        return true;
      }
    }
    return false;
  }

  private static void problem(
      HttpServletResponse response, int status, String slug, String title, String detail)
      throws IOException {
    if (status == 503 && response.getHeader("Retry-After") == null) {
      response.setHeader("Retry-After", "2");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "https://tenantflags.dev/problems/" + slug);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.getOutputStream().write(MAPPER.writeValueAsBytes(body));
  }

  private static String quote(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }
}
