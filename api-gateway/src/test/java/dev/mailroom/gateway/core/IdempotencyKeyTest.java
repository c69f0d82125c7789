package dev.mailroom.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.idempotency.IdempotencyRecord;
import dev.mailroom.store.idempotency.IdempotencyRepository;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.token.TokenPermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** Idempotency keys: per token, with a claim that lapses, and never released after a write. */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyKeyTest {
  private static final Map<String, Object> SEND =
      Map.of("to", List.of(Map.of("email", "x@example.com")), "subject", "once", "body", "b");

  private GatewayFixture gateway;
  private Tenant tenant;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("idempotency@example.com");
  }

  @Test
  void anotherTokenOfTheTenantCannotReplayAnAnswer() {
    String sender = gateway.fullToken(tenant.id());
    String reader =
        gateway.token(
            tenant.id(),
            Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of("view_email")));
    send(sender, "shared-key").expectStatus().isOk();
    send(reader, "shared-key")
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .doesNotExist("Idempotent-Replayed");
  }

  @Test
  void aClaimWhoseRequestNeverFinishedLapsesWithinAMinute() {
    String token = gateway.fullToken(tenant.id());
    String tokenId = newestTokenId();
    // What a request leaves behind when its client disconnects mid-way: a claim, never finished.
    Instant claimed = Instant.now().minus(IdempotentWrites.CLAIM).minusSeconds(1);
    gateway
        .bean(IdempotencyRepository.class)
        .claim(
            new IdempotencyRecord(
                IdempotencyRecord.idOf(tenant.id(), tokenId + ":abandoned"),
                tenant.id(),
                "whatever it was",
                false,
                0,
                null,
                claimed,
                claimed.plus(Duration.ofHours(24)),
                claimed.plus(IdempotentWrites.CLAIM)))
        .block();
    send(token, "abandoned")
        .expectStatus()
        .isOk()
        .expectHeader()
        .doesNotExist("Idempotent-Replayed");
  }

  @Test
  void anErrorAfterTheDurableWriteCompletesTheKeyWithItsAnswer() {
    IdempotentWrites writes = gateway.bean(IdempotentWrites.class);
    Caller caller = caller();
    AtomicInteger runs = new AtomicInteger();
    String key = "durable-" + UUID.randomUUID();
    var stored = ResponseEntity.status(201).body(Map.of("id", "msg_1"));
    ResponseEntity<String> first =
        execute(
                writes,
                exchange(key),
                caller,
                "body",
                () -> {
                  runs.incrementAndGet();
                  return IdempotentWrites.durable(stored)
                      .then(Mono.error(new IllegalStateException("failed after the write")));
                })
            .block();
    assertThat(first.getStatusCode().value()).isEqualTo(201);
    assertThat(first.getBody()).contains("msg_1");

    ResponseEntity<String> retry =
        execute(
                writes,
                exchange(key),
                caller,
                "body",
                () -> {
                  runs.incrementAndGet();
                  return Mono.just(ResponseEntity.ok().build());
                })
            .block();
    assertThat(runs).as("the retry does not write again").hasValue(1);
    assertThat(retry.getStatusCode().value()).isEqualTo(201);
    assertThat(retry.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
  }

  @Test
  void anErrorBeforeAnyDurableWriteReleasesTheKey() {
    IdempotentWrites writes = gateway.bean(IdempotentWrites.class);
    Caller caller = caller();
    String key = "released-" + UUID.randomUUID();
    assertThatThrownBy(
            () ->
                execute(
                        writes,
                        exchange(key),
                        caller,
                        "body",
                        () -> Mono.error(new IllegalStateException("failed before the write")))
                    .block())
        .hasMessageContaining("failed before the write");
    ResponseEntity<String> retry =
        execute(
                writes,
                exchange(key),
                caller,
                "body",
                () -> Mono.just(ResponseEntity.status(202).build()))
            .block();
    assertThat(retry.getStatusCode().value()).isEqualTo(202);
  }

  @Test
  void aReplayIsAuthorizedAgainSoAnAnswerIsNotHandedOutAfterTheRightToItIsGone() {
    Tenant own = gateway.tenant("replay-" + UUID.randomUUID() + "@example.com");
    String token = gateway.fullToken(own.id());
    send(token, "replayed").expectStatus().isOk();
    send(token, "replayed")
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("Idempotent-Replayed", "true");

    // The tenant's only mailbox stops sending: the same key no longer gets the stored answer.
    gateway
        .bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
        .updateFirst(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id")
                    .is(own.mailboxIds().get(0))),
            org.springframework.data.mongodb.core.query.Update.update("sendEnabled", false),
            "mailboxes")
        .block();
    send(token, "replayed")
        .expectStatus()
        .isEqualTo(422)
        .expectHeader()
        .doesNotExist("Idempotent-Replayed")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("NO_EMAIL_PROVIDER");
  }

  /** A write with no authorization of its own, answering its body as it was. */
  private static Mono<ResponseEntity<String>> execute(
      IdempotentWrites writes,
      MockServerWebExchange exchange,
      Caller caller,
      Object request,
      java.util.function.Supplier<Mono<ResponseEntity<?>>> action) {
    return writes.execute(
        exchange,
        caller,
        request,
        Mono.empty(),
        action,
        java.util.function.UnaryOperator.identity());
  }

  private Caller caller() {
    return new Caller(
        new ApiToken(
            "tok_" + UUID.randomUUID(),
            tenant.id(),
            "unit",
            "hash",
            TokenPermissions.everything(),
            Instant.now(),
            null,
            null));
  }

  private static MockServerWebExchange exchange(String key) {
    return MockServerWebExchange.from(
        MockServerHttpRequest.post("/api/access/email/messages/send")
            .header(IdempotentWrites.HEADER, key));
  }

  @Test
  void aRetryAfterTheGatewayDiedBetweenTheWriteAndTheAnswerFindsTheWriteInsteadOfSendingAgain() {
    String token = gateway.fullToken(tenant.id());
    String tokenId = newestTokenId();
    Map first =
        send(token, "died-after-write")
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    // What a gateway killed after storing the message and its command leaves: a claim that never
    // recorded its answer, and lapses. Here it is simply gone.
    gateway
        .bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
        .remove(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id")
                    .is(IdempotencyRecord.idOf(tenant.id(), tokenId + ":died-after-write"))),
            IdempotencyRecord.class)
        .block();

    Map again =
        send(token, "died-after-write")
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();

    assertThat(again.get("emailId")).isEqualTo(first.get("emailId"));
    assertThat(again.get("threadId")).isEqualTo(first.get("threadId"));
    String id = first.get("emailId").toString().substring("imap:".length());
    long commands =
        gateway
            .bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
            .count(
                org.springframework.data.mongodb.core.query.Query.query(
                    org.springframework.data.mongodb.core.query.Criteria.where("payload")
                        .regex(id)),
                "outbox")
            .block();
    assertThat(commands).as("one command for the message").isEqualTo(1);
  }

  private String newestTokenId() {
    List<Map> tokens =
        (List<Map>)
            gateway
                .client()
                .get()
                .uri("/admin/tenants/{t}/tokens?limit=200", tenant.id())
                .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
                .exchange()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("data");
    return tokens.get(tokens.size() - 1).get("id").toString();
  }

  private WebTestClient.ResponseSpec send(String token, String key) {
    return gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + token)
        .header(IdempotentWrites.HEADER, key)
        .bodyValue(SEND)
        .exchange();
  }
}
