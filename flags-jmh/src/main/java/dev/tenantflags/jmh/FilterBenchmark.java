package dev.tenantflags.jmh;

import dev.tenantflags.FeatureFlags;
import dev.tenantflags.FlagState;
import dev.tenantflags.InMemoryFlagStore;
import dev.tenantflags.TenantKey;
import dev.tenantflags.servlet.FeatureFlagFilter;
import dev.tenantflags.servlet.TenantResolver;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does {@link FeatureFlagFilter} add to a request?
 *
 * <p>The same requests go through a pass-through filter ({@code passThrough}: calls the chain, the
 * floor) and through {@code FeatureFlagFilter} gating {@code /api/v1/kyc/*} with an {@code ON}
 * flag, with its defaults ({@code filter}: the tenant comes from the request attribute the
 * application's authentication set, and a {@code RequestFlags} is stored on the request) and with
 * {@code exposeRequestFlags(false)} ({@code filterWithoutRequestFlags}). The added cost per request
 * is {@code filter − passThrough}. Requests are 10,000 pre-built fakes, one per tenant, taken
 * round-robin; the fakes are {@link HttpServletRequestWrapper}s whose few used methods are plain
 * field reads (the wrapped request is a proxy that is never called), so the container's own cost is
 * not in the numbers.
 *
 * <p>Run:
 *
 * <pre>{@code
 * java -jar flags-jmh/target/benchmarks.jar FilterBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterBenchmark {

  static final String KYC = "kyc_tiers";

  private InMemoryFlagStore store;
  private FeatureFlags flags;
  private Filter passThrough;
  private Filter filter;
  private Filter filterWithoutRequestFlags;
  private FakeRequest[] requests;
  private HttpServletResponse response;
  private FilterChain chain;
  private int cursor;

  /** A request for one path and tenant; attributes other than the tenant land in one field. */
  static final class FakeRequest extends HttpServletRequestWrapper {
    private final TenantKey tenant;
    private Object lastAttribute;
    int served;

    FakeRequest(HttpServletRequest unused, TenantKey tenant) {
      super(unused);
      this.tenant = tenant;
    }

    @Override
    public Object getAttribute(String name) {
      return TenantResolver.DEFAULT_ATTRIBUTE.equals(name) ? tenant : null;
    }

    @Override
    public void setAttribute(String name, Object value) {
      lastAttribute = value;
    }

    @Override
    public String getServletPath() {
      return "/api/v1/kyc";
    }

    @Override
    public String getPathInfo() {
      return "/levels";
    }

    @Override
    public String getHeader(String name) {
      return null;
    }

    Object lastAttribute() {
      return lastAttribute;
    }
  }

  /** Builds the client, the filters and the requests. */
  @Setup(Level.Trial)
  public void setUp() throws ServletException, IOException {
    store = new InMemoryFlagStore();
    Fixtures.create(store, Fixtures.flag(KYC, FlagState.ON));
    flags = Fixtures.client(store);
    HttpServletRequest unusedRequest = neverCalled(HttpServletRequest.class);
    response = new HttpServletResponseWrapper(neverCalled(HttpServletResponse.class));
    TenantKey[] tenants = Fixtures.tenants("t", Fixtures.TENANTS);
    requests = new FakeRequest[tenants.length];
    for (int i = 0; i < tenants.length; i++) {
      requests[i] = new FakeRequest(unusedRequest, tenants[i]);
    }
    chain = (req, res) -> ((FakeRequest) req).served++;
    passThrough =
        new Filter() {
          @Override
          public void doFilter(ServletRequest req, ServletResponse res, FilterChain next)
              throws IOException, ServletException {
            next.doFilter(req, res);
          }
        };
    filter = FeatureFlagFilter.builder().flags(flags).route("/api/v1/kyc/*", KYC).build();
    filterWithoutRequestFlags =
        FeatureFlagFilter.builder()
            .flags(flags)
            .route("/api/v1/kyc/*", KYC)
            .exposeRequestFlags(false)
            .build();
    FakeRequest probe = requests[0];
    filter.doFilter(probe, response, chain);
    Fixtures.check(probe.served == 1, "the filter let an enabled tenant through");
    Fixtures.check(probe.lastAttribute() != null, "the filter stored RequestFlags");
  }

  @SuppressWarnings("unchecked")
  private static <T> T neverCalled(Class<T> type) {
    return (T)
        Proxy.newProxyInstance(
            FilterBenchmark.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException(
                  "fake " + type.getSimpleName() + "." + method.getName());
            });
  }

  /** Stops the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    flags.close();
    store.close();
  }

  private FakeRequest next() {
    int i = cursor + 1;
    if (i == requests.length) {
      i = 0;
    }
    cursor = i;
    return requests[i];
  }

  /** The floor: a filter that only calls the chain. */
  @Benchmark
  public int passThrough() throws IOException, ServletException {
    FakeRequest request = next();
    passThrough.doFilter(request, response, chain);
    return request.served;
  }

  /** FeatureFlagFilter with its defaults. */
  @Benchmark
  public int filter() throws IOException, ServletException {
    FakeRequest request = next();
    filter.doFilter(request, response, chain);
    return request.served;
  }

  /** FeatureFlagFilter that does not store RequestFlags on the request. */
  @Benchmark
  public int filterWithoutRequestFlags() throws IOException, ServletException {
    FakeRequest request = next();
    filterWithoutRequestFlags.doFilter(request, response, chain);
    return request.served;
  }
}
