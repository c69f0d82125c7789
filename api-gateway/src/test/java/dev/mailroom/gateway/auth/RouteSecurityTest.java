package dev.mailroom.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.gateway.RawHttp;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every route the gateway serves, taken from its handler mappings (so a new route is covered
 * without touching this test), tried as an attacker would: without credentials, with a wrong key,
 * with the other kind of credential, with another tenant's token, with a token lacking the route's
 * permission, and with path spellings that a router and a security rule might read differently.
 * None may answer 2xx and none may answer 5xx.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteSecurityTest {
  /**
   * Public by design: the API documents, and the endpoint SNS delivers SES's notifications to (SNS
   * sends no credentials; each notification's signature is checked instead). Anything else public
   * must be added here, on purpose.
   */
  private static final List<String> PUBLIC_PREFIXES =
      List.of("/v3/api-docs", "/swagger-ui", "/webjars", "/providers/ses/notifications");

  /**
   * Lists that any token of the tenant may read: they answer 200 with only what the token may see,
   * which the test checks instead of the status.
   */
  private static final Set<String> SCOPED_LISTS = Set.of("GET /v1/mailboxes", "GET /v1/webhooks");

  /** A body that satisfies the validation of most writes, so refusals are not just 400s. */
  private static final String BODY =
      """
      {"name":"probe","to":[{"email":"x@example.com"}],"subject":"s","body":"b",
       "url":"https://hooks.example.com/probe","eventTypes":["message.received"],
       "markAsRead":true,"addLabels":["Probe"],
       "permissions":{"emailAccessEnabled":true,"allowedEmailOperations":["view_email"]},
       "provider":"imap","address":"probe@example.com","password":"p",
       "imap":{"host":"imap.example.com","port":993},"smtp":{"host":"smtp.example.com","port":465},
       "since":"2026-01-01T00:00:00Z"}
      """;

  private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z_]+)[^}]*}");

  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayFixture gateway;
  private RawHttp http;
  private Tenant tenantA;
  private String tokenA;
  private String tokenB;
  private String lackingA;
  private Map<String, String> ids;

  private record Route(HttpMethod method, String pattern) {
    String key() {
      return method + " " + pattern;
    }
  }

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    http = new RawHttp(gateway.address());
    tenantA = gateway.tenant("route-a@example.com", "route-a2@example.com");
    Tenant tenantB = gateway.tenant("route-b@example.com");
    gateway.inbound(
        tenantA, 0, "msg_route", "thr_route", "Secret", "boss@example.com", Instant.now());
    tokenA = gateway.fullToken(tenantA.id());
    tokenB = gateway.fullToken(tenantB.id());
    // No email access, no operation, and only the tenant's second mailbox.
    lackingA =
        gateway.token(
            tenantA.id(),
            Map.of(
                "emailAccessEnabled",
                false,
                "allowedEmailOperations",
                List.of(),
                "mailboxIds",
                List.of(tenantA.mailboxIds().get(1))));
    JsonNode webhook =
        json.readTree(
            http.call(
                    "POST",
                    "/v1/webhooks",
                    tokenA,
                    "{\"url\":\"https://hooks.example.com/a\",\"eventTypes\":[\"message.sent\"]}")
                .body());
    String tokenIdA =
        json.readTree(
                http.call(
                        "GET",
                        "/admin/tenants/" + tenantA.id() + "/tokens",
                        GatewayFixture.ADMIN_KEY,
                        null)
                    .body())
            .get("data")
            .get(0)
            .get("id")
            .asString();
    ids =
        Map.of(
            "tenantId",
            tenantA.id(),
            "mailboxId",
            tenantA.mailboxIds().get(0),
            "emailId",
            "imap:msg_route",
            "threadId",
            "imap:thr_route",
            "webhookId",
            webhook.at("/webhook/id").asString(),
            "tokenId",
            tokenIdA,
            "email_address",
            tenantA.addresses().get(0),
            "inbox_id",
            tenantA.mailboxIds().get(0));
  }

  @Test
  void everyRouteRefusesEveryWrongCaller() {
    List<Route> routes = routes();
    assertThat(routes).extracting(Route::key).contains("GET /admin/tenants", "GET /v1/webhooks");
    List<String> failures = new ArrayList<>();
    for (Route route : routes) {
      String path = concrete(route.pattern());
      boolean isPublic = PUBLIC_PREFIXES.stream().anyMatch(route.pattern()::startsWith);
      boolean admin =
          route.pattern().startsWith("/admin") || route.pattern().startsWith("/actuator");
      String method = route.method().name();
      String body = bodyFor(route.method());
      if (isPublic) {
        expectNo5xx(failures, route, "public", http.call(method, path, null, body));
        continue;
      }
      expectRefused(failures, route, "no credentials", http.call(method, path, null, body));
      expectRefused(
          failures,
          route,
          "wrong key",
          http.call(method, path, "mr_wrong-key-0123456789abcdef", body));
      expectRefused(
          failures,
          route,
          "other kind of credential",
          http.call(method, path, admin ? tokenA : GatewayFixture.ADMIN_KEY, body));
      if (!admin) {
        boolean names = !path.equals(route.pattern());
        if (names) {
          expectRefused(
              failures, route, "other tenant's token", http.call(method, path, tokenB, body));
        }
        var lacking = http.call(method, path, lackingA, body);
        if (SCOPED_LISTS.contains(route.key())) {
          if (lacking.status() != 200
              || lacking.body().contains(ids.get("mailboxId"))
              || lacking.body().contains(ids.get("webhookId"))) {
            failures.add(route.key() + " lacking token saw out-of-scope items: " + lacking.body());
          }
        } else {
          expectRefused(failures, route, "token lacking permission", lacking);
        }
      }
      for (String trick : tricks(path)) {
        expectRefused(
            failures, route, "no credentials, " + trick, http.call(method, trick, null, body));
        if (admin) {
          expectRefused(
              failures, route, "API token, " + trick, http.call(method, trick, tokenA, body));
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /** Positive control: the ids the walk uses are real, so its refusals are about the caller. */
  @Test
  void theOwnersGetAnswersWithTheSameIds() {
    for (String path :
        List.of(
            "/api/access/email/messages/imap:msg_route",
            "/api/access/email/threads/imap:thr_route",
            "/v1/mailboxes/" + ids.get("mailboxId"),
            "/v1/webhooks/" + ids.get("webhookId"),
            "/mailboxes/" + ids.get("email_address") + "/messages",
            "/inboxes/" + ids.get("inbox_id") + "/messages")) {
      assertThat(http.call("GET", path, tokenA, null).status()).as(path).isEqualTo(200);
    }
    assertThat(
            http.call("GET", "/admin/tenants/" + tenantA.id(), GatewayFixture.ADMIN_KEY, null)
                .status())
        .isEqualTo(200);
  }

  /** The probes of the issue, against an unauthenticated caller. */
  @Test
  void theAuditsProbesAreAllRefusedInTheErrorFormat() {
    String mint =
        "{\"name\":\"x\",\"permissions\":{\"emailAccessEnabled\":true,"
            + "\"allowedEmailOperations\":[\"search_emails\",\"view_email\"]}}";
    Map<String, Integer> expected = new java.util.LinkedHashMap<>();
    expected.put("GET /admin;/tenants", 400);
    expected.put("GET /%61dmin/tenants", 401);
    expected.put("POST /admin;/tenants/" + tenantA.id() + "/tokens", 400);
    expected.put("GET /no-such-route", 404);
    expected.put("GET //admin/tenants", 400);
    expected.put("GET /ADMIN/tenants", 404);
    expected.put("GET /actuator/prometheus", 401);
    expected.put("GET /admin/tenants/%2e%2e/tenants", 400);
    expected.put("GET /admin/./tenants", 400);
    expected.put("GET /v1/../admin/tenants", 400);
    for (var probe : expected.entrySet()) {
      String[] parts = probe.getKey().split(" ", 2);
      var response = http.call(parts[0], parts[1], null, parts[0].equals("POST") ? mint : null);
      assertThat(response.status()).as(probe.getKey()).isEqualTo(probe.getValue());
      assertThat(json.readTree(response.body()).path("status").asInt())
          .as(probe.getKey() + " " + response.body())
          .isEqualTo(probe.getValue());
    }
    // The HTTP server refuses a backslash before any filter runs, so the body is not ours.
    assertThat(http.call("GET", "/admin\\tenants", null, null).status()).isEqualTo(400);
  }

  @Test
  void probesAreOpenAndTheRestOfTheActuatorTakesTheAdminKey() {
    assertThat(http.call("GET", "/actuator/health/liveness", null, null).status()).isEqualTo(200);
    var anonymous = http.call("GET", "/actuator/health/readiness", null, null);
    assertThat(anonymous.status()).isEqualTo(200);
    // States are public; what a dependency reported (cluster ids, paths, errors) is not.
    assertThat(json.readTree(anonymous.body()).path("components").path("mongo").has("status"))
        .as(anonymous.body())
        .isTrue();
    assertThat(anonymous.body()).doesNotContain("\"details\"");
    var admin = http.call("GET", "/actuator/health/readiness", GatewayFixture.ADMIN_KEY, null);
    assertThat(admin.body()).contains("\"details\"");
    for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator")) {
      assertThat(http.call("GET", path, null, null).status()).as(path).isEqualTo(401);
      assertThat(http.call("GET", path, tokenA, null).status()).as(path).isEqualTo(401);
      assertThat(http.call("GET", path, GatewayFixture.ADMIN_KEY, null).status())
          .as(path)
          .isEqualTo(200);
    }
  }

  @Test
  void aClientErrorLogsAtMostOneLineAndNoStackTrace() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var appender =
        new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    appender.start();
    root.addAppender(appender);
    List<String> requests =
        List.of("/no-such-route", "/ADMIN/tenants", "//admin/tenants", "/admin;/tenants");
    try {
      for (String path : requests) {
        assertThat(http.call("GET", path, null, null).status()).as(path).isBetween(400, 499);
      }
      assertThat(http.call("DELETE", "/v1/mailboxes", tokenA, null).status()).isEqualTo(405);
    } finally {
      root.detachAppender(appender);
    }
    var requestLines =
        appender.list.stream()
            .filter(e -> e.getThreadName().startsWith("reactor-http"))
            .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
            .toList();
    assertThat(requestLines).allMatch(e -> e.getThrowableProxy() == null);
    assertThat(requestLines)
        .allMatch(e -> !e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
    assertThat(requestLines.size()).isLessThanOrEqualTo(requests.size() + 1);
  }

  private void expectRefused(
      List<String> failures, Route route, String attempt, RawHttp.Response response) {
    if (response.status() < 400 || response.status() >= 500) {
      failures.add(route.key() + " [" + attempt + "] answered " + response.status());
    }
  }

  private void expectNo5xx(
      List<String> failures, Route route, String attempt, RawHttp.Response response) {
    if (response.status() >= 500) {
      failures.add(route.key() + " [" + attempt + "] answered " + response.status());
    }
  }

  private static String bodyFor(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PATCH || method == HttpMethod.PUT
        ? BODY
        : null;
  }

  /** Spellings of the same path that a rule and the router must read alike. */
  private static List<String> tricks(String path) {
    int second = path.indexOf('/', 1);
    String first = second < 0 ? path : path.substring(0, second);
    String rest = second < 0 ? "" : path.substring(second);
    Set<String> tricks = new LinkedHashSet<>();
    tricks.add(first + ";" + rest);
    tricks.add(first + ";x=1" + rest);
    tricks.add(path + ";x=1");
    tricks.add("/%" + Integer.toHexString(first.charAt(1)) + first.substring(2) + rest);
    tricks.add("/" + path);
    tricks.add(first + "/" + rest);
    tricks.add(path + "/");
    tricks.add(first.toUpperCase(Locale.ROOT) + rest);
    tricks.add(first + "/." + rest);
    tricks.add("/x/.." + path);
    tricks.add(first + "/%2e" + rest);
    tricks.add(first + "\\" + (rest.isEmpty() ? "" : rest.substring(1)));
    tricks.add(first + "%2f" + (rest.isEmpty() ? "" : rest.substring(1)));
    return List.copyOf(tricks);
  }

  private String concrete(String pattern) {
    String path = pattern.replace("/**", "/x");
    Matcher m = VARIABLE.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(ids.getOrDefault(m.group(1), "x")));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Every route of every handler mapping: annotated controllers, actuator, router functions. */
  private List<Route> routes() {
    Set<Route> routes = new LinkedHashSet<>();
    for (var mapping : gateway.beans(RequestMappingInfoHandlerMapping.class).values()) {
      for (var info : mapping.getHandlerMethods().keySet()) {
        Set<org.springframework.web.bind.annotation.RequestMethod> methods =
            info.getMethodsCondition().getMethods();
        for (String pattern :
            info.getPatternsCondition().getPatterns().stream().map(Object::toString).toList()) {
          if (methods.isEmpty()) {
            routes.add(new Route(HttpMethod.GET, pattern));
          }
          for (var method : methods) {
            routes.add(new Route(method.asHttpMethod(), pattern));
          }
        }
      }
    }
    for (var mapping : gateway.beans(RouterFunctionMapping.class).values()) {
      RouterFunction<?> function = mapping.getRouterFunction();
      if (function != null) {
        function.accept(new RouteCollector(routes));
      }
    }
    return List.copyOf(routes);
  }

  /** Collects path patterns and methods from functional routes. */
  private static final class RouteCollector implements RouterFunctions.Visitor {
    private final Set<Route> routes;

    RouteCollector(Set<Route> routes) {
      this.routes = routes;
    }

    @Override
    public void startNested(RequestPredicate predicate) {}

    @Override
    public void endNested(RequestPredicate predicate) {}

    @Override
    public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
      List<String> paths = new ArrayList<>();
      Set<HttpMethod> methods = new LinkedHashSet<>();
      predicate.accept(
          new RequestPredicates.Visitor() {
            @Override
            public void method(Set<HttpMethod> m) {
              methods.addAll(m);
            }

            @Override
            public void path(String pattern) {
              paths.add(pattern);
            }

            @Override
            public void pathExtension(String extension) {}

            @Override
            public void header(String name, String value) {}

            @Override
            public void queryParam(String name, String value) {}

            @Override
            public void version(String version) {}

            @Override
            public void startAnd() {}

            @Override
            public void and() {}

            @Override
            public void endAnd() {}

            @Override
            public void startOr() {}

            @Override
            public void or() {}

            @Override
            public void endOr() {}

            @Override
            public void startNegate() {}

            @Override
            public void endNegate() {}

            @Override
            public void unknown(RequestPredicate predicate) {}
          });
      for (String path : paths) {
        if (methods.isEmpty()) {
          routes.add(new Route(HttpMethod.GET, path));
        }
        methods.forEach(method -> routes.add(new Route(method, path)));
      }
    }

    @Override
    public void resources(
        java.util.function.Function<ServerRequest, Mono<org.springframework.core.io.Resource>>
            lookupFunction) {}

    @Override
    public void attributes(Map<String, Object> attributes) {}

    @Override
    public void unknown(RouterFunction<?> routerFunction) {}
  }
}
