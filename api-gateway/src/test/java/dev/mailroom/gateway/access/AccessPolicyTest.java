package dev.mailroom.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Who may do what: token gates, tenant isolation, idempotency and rate limits, route by route. */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessPolicyTest {
  private static final Instant T = Instant.parse("2026-02-07T14:30:00Z");

  /** Every route of seeds 001/002 with the permission it needs and a valid body. */
  private record Route(HttpMethod method, String path, String operation, Object body) {}

  private static final List<Route> ROUTES =
      List.of(
          new Route(HttpMethod.GET, "/api/access/email/messages", "search_emails", null),
          new Route(HttpMethod.GET, "/api/access/email/messages/imap:msg_a", "view_email", null),
          new Route(HttpMethod.GET, "/api/access/email/threads/imap:thr_a", "view_thread", null),
          new Route(
              HttpMethod.POST,
              "/api/access/email/messages/send",
              "send_email",
              Map.of("to", List.of(Map.of("email", "x@example.com")), "subject", "s", "body", "b")),
          new Route(
              HttpMethod.POST,
              "/api/access/email/messages/imap:msg_a/reply",
              "reply_to_email",
              Map.of("body", "b")),
          new Route(
              HttpMethod.POST,
              "/api/access/email/messages/imap:msg_a/forward",
              "forward_email",
              Map.of("to", List.of(Map.of("email", "x@example.com")))),
          new Route(
              HttpMethod.DELETE, "/api/access/email/messages/imap:msg_a", "delete_email", null),
          new Route(
              HttpMethod.PATCH,
              "/api/access/email/messages/imap:msg_a",
              "mark_as_read",
              Map.of("markAsRead", true)),
          new Route(
              HttpMethod.PATCH,
              "/api/access/email/messages/imap:msg_a",
              "apply_labels",
              Map.of("addLabels", List.of("X"))));

  private GatewayFixture gateway;
  private Tenant tenantA;
  private TestInfrastructure infrastructure;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    this.infrastructure = infrastructure;
    gateway = GatewayFixture.shared(infrastructure);
    tenantA = gateway.tenant("a@example.com");
    gateway.inbound(tenantA, 0, "msg_a", "thr_a", "For A only", "boss@example.com", T, "INBOX");
  }

  private WebTestClient.ResponseSpec call(Route route, String token) {
    var request =
        gateway
            .client()
            .method(route.method())
            .uri(route.path())
            .header("Authorization", "Bearer " + token);
    return (route.body() == null ? request : request.bodyValue(route.body())).exchange();
  }

  private static Map<String, Object> permissions(boolean enabled, List<String> operations) {
    return Map.of("emailAccessEnabled", enabled, "allowedEmailOperations", operations);
  }

  @Test
  void withoutATokenEveryRouteIs401() {
    for (Route route : ROUTES) {
      var request = gateway.client().method(route.method()).uri(route.path());
      (route.body() == null ? request : request.bodyValue(route.body()))
          .exchange()
          .expectStatus()
          .isUnauthorized()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("UNAUTHORIZED");
    }
  }

  @Test
  void emailAccessDisabledIs422EmailNotEnabledOnEveryRoute() {
    String token =
        gateway.token(
            tenantA.id(), permissions(false, ROUTES.stream().map(Route::operation).toList()));
    for (Route route : ROUTES) {
      call(route, token)
          .expectStatus()
          .isEqualTo(422)
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("EMAIL_NOT_ENABLED");
    }
  }

  @Test
  void eachRouteNeedsItsOwnPermission() {
    List<String> all = ROUTES.stream().map(Route::operation).distinct().toList();
    for (Route route : ROUTES) {
      List<String> others = new ArrayList<>(all);
      others.remove(route.operation());
      String token = gateway.token(tenantA.id(), permissions(true, others));
      call(route, token)
          .expectStatus()
          .isForbidden()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("FORBIDDEN");
    }
  }

  @Test
  void forwardAlsoNeedsViewEmailBecauseItHandsTheContentsOn() {
    Route forward =
        ROUTES.stream()
            .filter(r -> r.operation().equals("forward_email"))
            .findFirst()
            .orElseThrow();
    String blind = gateway.token(tenantA.id(), permissions(true, List.of("forward_email")));
    call(forward, blind)
        .expectStatus()
        .isForbidden()
        .expectBody()
        .jsonPath("$.message")
        .isEqualTo("Token does not allow view_email");
    String reader =
        gateway.token(tenantA.id(), permissions(true, List.of("forward_email", "view_email")));
    call(forward, reader).expectStatus().isOk();
  }

  @Test
  void markAsReadWithoutApplyLabelsCannotTouchLabels() {
    String token = gateway.token(tenantA.id(), permissions(true, List.of("mark_as_read")));
    call(
            new Route(
                HttpMethod.PATCH,
                "/api/access/email/messages/imap:msg_a",
                "",
                Map.of("markAsRead", true)),
            token)
        .expectStatus()
        .isOk();
    call(
            new Route(
                HttpMethod.PATCH,
                "/api/access/email/messages/imap:msg_a",
                "",
                Map.of("markAsRead", false, "removeLabels", List.of("INBOX"))),
            token)
        .expectStatus()
        .isForbidden();
  }

  @Test
  void aTenantWithoutMailboxesGets422NoEmailProvider() {
    Tenant empty = gateway.tenant();
    String token = gateway.fullToken(empty.id());
    for (Route route : ROUTES) {
      call(route, token)
          .expectStatus()
          .isEqualTo(422)
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("NO_EMAIL_PROVIDER");
    }
    String readOnlyTenant = gateway.tenant().id();
    gateway.mailbox(readOnlyTenant, "ro@example.com", true, true, false);
    call(ROUTES.get(3), gateway.fullToken(readOnlyTenant))
        .expectStatus()
        .isEqualTo(422)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("NO_EMAIL_PROVIDER");
  }

  @Test
  void anotherTenantGets404ForEveryIdOfThisTenant() {
    Tenant tenantB = gateway.tenant("b@example.com");
    String tokenB = gateway.fullToken(tenantB.id());
    for (Route route : ROUTES) {
      if (route.path().contains("imap:")) {
        call(route, tokenB).expectStatus().isNotFound();
      }
    }
    Map<?, ?> page =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages")
            .header("Authorization", "Bearer " + tokenB)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(page.get("totalCount")).isEqualTo(0);
    // And tenant A's message is untouched by all of it: not deleted, no label added.
    Map<?, ?> message =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages/imap:msg_a")
            .header("Authorization", "Bearer " + gateway.fullToken(tenantA.id()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    @SuppressWarnings("unchecked")
    List<Object> labels = (List<Object>) message.get("labels");
    assertThat(labels).containsExactly("INBOX");
  }

  @Test
  void theSameIdempotencyKeyAndBodyGetTheSameAnswerAndADifferentBodyA409() {
    String token = gateway.fullToken(tenantA.id());
    Map<String, Object> body =
        Map.of("to", List.of(Map.of("email", "x@example.com")), "subject", "once", "body", "b");
    String first =
        gateway
            .client()
            .post()
            .uri("/api/access/email/messages/send")
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", "key-1")
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + token)
        .header("Idempotency-Key", "key-1")
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("Idempotent-Replayed", "true")
        .expectBody(String.class)
        .isEqualTo(first);
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + token)
        .header("Idempotency-Key", "key-1")
        .bodyValue(
            Map.of(
                "to", List.of(Map.of("email", "x@example.com")), "subject", "other", "body", "b"))
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("IDEMPOTENCY_KEY_REUSED");
  }

  @Test
  void fiftyConcurrentIdenticalPostsQueueOneCommand() {
    String token = gateway.fullToken(tenantA.id());
    Map<String, Object> body =
        Map.of(
            "to", List.of(Map.of("email", "x@example.com")), "subject", "concurrent", "body", "b");
    List<CompletableFuture<String>> calls =
        IntStream.range(0, 50)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () ->
                            gateway
                                .client()
                                .post()
                                .uri("/api/access/email/messages/send")
                                .header("Authorization", "Bearer " + token)
                                .header("Idempotency-Key", "burst")
                                .bodyValue(body)
                                .exchange()
                                .expectStatus()
                                .isOk()
                                .expectBody(String.class)
                                .returnResult()
                                .getResponseBody()))
            .toList();
    List<String> answers = calls.stream().map(CompletableFuture::join).distinct().toList();
    assertThat(answers).hasSize(1);
    String emailId =
        (String)
            new tools.jackson.databind.json.JsonMapper()
                .readValue(answers.get(0), Map.class)
                .get("emailId");
    EnvelopeCodec codec = new EnvelopeCodec();
    try (TopicTap tap =
        new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.COMMANDS_SEND)) {
      tap.await(
          r ->
              codec.decode(r.value()).data() instanceof SendMessage s
                  && emailId.endsWith(s.messageId()),
          Duration.ofSeconds(20));
      long commands =
          tap.drain(Duration.ofSeconds(2)).stream()
              .map(r -> codec.decode(r.value()).data())
              .filter(d -> d instanceof SendMessage s && s.subject().equals("concurrent"))
              .count();
      assertThat(commands).isEqualTo(1);
    }
  }

  @Test
  void theSixtyFirstRequestInAMinuteIs429WithRetryAfter() {
    String token = gateway.fullToken(tenantA.id());
    for (int i = 0; i < 60; i++) {
      gateway
          .client()
          .get()
          .uri("/api/access/email/messages?limit=1")
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isOk()
          .expectHeader()
          .valueEquals("X-RateLimit-Limit", "60")
          .expectHeader()
          .valueEquals("X-RateLimit-Remaining", Integer.toString(59 - i))
          .expectHeader()
          .exists("X-RateLimit-Reset");
    }
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages?limit=1")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .exists("Retry-After")
        .expectHeader()
        .valueEquals("X-RateLimit-Remaining", "0")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("RATE_LIMITED");
    // Another token of the same tenant has its own window.
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages?limit=1")
        .header("Authorization", "Bearer " + gateway.fullToken(tenantA.id()))
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void aMailboxThatReachedItsHourlySendLimitGets429WithRetryAfter() {
    Tenant busy = gateway.tenant("busy@example.com");
    Map<String, Object> body =
        Map.of("to", List.of(Map.of("email", "x@example.com")), "subject", "s", "body", "b");
    for (int i = 0; i < 25; i++) {
      // A fresh token now and then keeps the per-token limits out of the way.
      String token = gateway.fullToken(busy.id());
      gateway
          .client()
          .post()
          .uri("/api/access/email/messages/send")
          .header("Authorization", "Bearer " + token)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isOk();
    }
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + gateway.fullToken(busy.id()))
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .exists("Retry-After")
        .expectHeader()
        .valueEquals("X-RateLimit-Limit", "25")
        .expectHeader()
        .valueEquals("X-RateLimit-Remaining", "0")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("RATE_LIMITED");
    // Another mailbox of the same tenant is not affected.
    String other = gateway.mailbox(busy.id(), "calm@example.com", false, true, true);
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + gateway.fullToken(busy.id()))
        .bodyValue(
            Map.of(
                "to",
                List.of(Map.of("email", "x@example.com")),
                "subject",
                "s",
                "body",
                "b",
                "sendFrom",
                "calm@example.com"))
        .exchange()
        .expectStatus()
        .isOk();
    assertThat(other).isNotBlank();
  }
}
