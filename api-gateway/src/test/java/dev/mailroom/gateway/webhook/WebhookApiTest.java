package dev.mailroom.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.webhook.DeliveryAttempt;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/webhooks}: subscriptions, secrets, delivery log and replay, per tenant and token. */
@WithMailroomInfrastructure
class WebhookApiTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String URL = "https://hooks.example.com/mailroom";

  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;

  @BeforeEach
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant =
        gateway.tenant(
            "a-" + UUID.randomUUID() + "@mailroom.local",
            "b-" + UUID.randomUUID() + "@mailroom.local");
    token = gateway.fullToken(tenant.id());
  }

  private WebTestClient.ResponseSpec call(String method, String path, Object body, String bearer) {
    var request =
        gateway
            .client()
            .method(org.springframework.http.HttpMethod.valueOf(method))
            .uri(path)
            .header("Authorization", "Bearer " + bearer);
    return body == null ? request.exchange() : request.bodyValue(body).exchange();
  }

  private JsonNode json(WebTestClient.ResponseSpec response, int status) {
    byte[] body =
        response.expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody();
    return body == null ? null : JSON.readTree(body);
  }

  private JsonNode create(Map<String, Object> body) {
    return json(call("POST", "/v1/webhooks", body, token), 201);
  }

  private String createId(List<String> types) {
    return create(Map.of("url", URL, "eventTypes", types)).get("webhook").get("id").asString();
  }

  @Test
  void theSecretIsShownOnceAndSignsFromTheStore() {
    JsonNode created =
        create(
            Map.of(
                "url",
                URL,
                "eventTypes",
                List.of("message.received", "message.sent"),
                "mailboxIds",
                List.of(tenant.mailboxIds().get(0)),
                "description",
                "CRM sync"));
    String secret = created.get("secret").asString();
    assertThat(secret).startsWith("whsec_");
    JsonNode webhook = created.get("webhook");
    assertThat(webhook.get("status").asString()).isEqualTo("enabled");
    assertThat(webhook.get("eventTypes")).hasSize(2);
    String id = webhook.get("id").asString();

    JsonNode fetched = json(call("GET", "/v1/webhooks/" + id, null, token), 200);
    assertThat(fetched.get("url").asString()).isEqualTo(URL);
    assertThat(fetched.toString()).doesNotContain("whsec_").doesNotContain("secret");
    JsonNode listed = json(call("GET", "/v1/webhooks", null, token), 200);
    assertThat(listed.get("data")).hasSize(1);
    assertThat(listed.toString()).doesNotContain("whsec_");

    WebhookEndpoint stored =
        gateway.bean(WebhookEndpointRepository.class).findById(tenant.id(), id).block();
    assertThat(stored.secrets()).hasSize(1);
    assertThat(stored.secrets().get(0).secret().toString()).doesNotContain(secret.substring(6));
    assertThat(
            gateway
                .bean(CredentialCipher.class)
                .decrypt(stored.secrets().get(0).secret(), tenant.id(), id))
        .isEqualTo(secret);
  }

  @Test
  void everyProblemWithASubscriptionIsNamedInOne400() {
    JsonNode error =
        json(
            call(
                "POST",
                "/v1/webhooks",
                Map.of(
                    "url", "http://hooks.example.com/plain",
                    "eventTypes", List.of("message.sent", "message.exploded"),
                    "mailboxIds", List.of("mbx_not_mine"),
                    "description", "x".repeat(501)),
                token),
            400);
    assertThat(error.get("code").asString()).isEqualTo("INVALID_REQUEST");
    List<String> fields =
        error.get("fieldErrors").valueStream().map(e -> e.get("field").asString()).toList();
    assertThat(fields).containsExactlyInAnyOrder("url", "eventTypes", "mailboxIds", "description");

    for (String url :
        List.of(
            "https://127.0.0.1/x",
            "https://169.254.169.254/latest",
            "https://[::ffff:192.168.0.1]/x",
            "https://0x7f000001/x",
            "https://localhost/x",
            "not a url",
            "")) {
      JsonNode refused =
          json(
              call(
                  "POST",
                  "/v1/webhooks",
                  Map.of("url", url, "eventTypes", List.of("message.sent")),
                  token),
              400);
      assertThat(refused.get("fieldErrors").get(0).get("field").asString())
          .as(url)
          .isEqualTo("url");
    }
    json(call("POST", "/v1/webhooks", Map.of("url", URL, "eventTypes", List.of()), token), 400);
    assertThat(json(call("GET", "/v1/webhooks", null, token), 200).get("data")).isEmpty();
  }

  @Test
  void aRetriedCreateWithTheSameKeyMakesOneSubscriptionAndDoesNotRepeatTheSecret() {
    String key = UUID.randomUUID().toString();
    Map<String, Object> body = Map.of("url", URL, "eventTypes", List.of("message.sent"));
    JsonNode first =
        JSON.readTree(
            gateway
                .client()
                .post()
                .uri("/v1/webhooks")
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", key)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .returnResult()
                .getResponseBody());
    var second =
        gateway
            .client()
            .post()
            .uri("/v1/webhooks")
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", key)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isCreated()
            .expectHeader()
            .valueEquals("Idempotent-Replayed", "true")
            .expectBody()
            .returnResult()
            .getResponseBody();
    JsonNode replayed = JSON.readTree(second);
    assertThat(first.get("secret").asString()).startsWith("whsec_");
    assertThat(replayed.get("secret").isNull()).isTrue();
    assertThat(replayed.get("webhook").get("id").asString())
        .isEqualTo(first.get("webhook").get("id").asString());
    assertThat(json(call("GET", "/v1/webhooks", null, token), 200).get("data")).hasSize(1);
  }

  @Test
  void updateDisableAndReEnable() {
    String id = createId(List.of("message.sent"));
    JsonNode updated =
        json(
            call(
                "PATCH",
                "/v1/webhooks/" + id,
                Map.of("eventTypes", List.of("message.received"), "enabled", false),
                token),
            200);
    assertThat(updated.get("eventTypes").get(0).asString()).isEqualTo("message.received");
    assertThat(updated.get("status").asString()).isEqualTo("disabled");
    assertThat(updated.get("url").asString()).isEqualTo(URL);
    JsonNode refused = json(call("POST", "/v1/webhooks/" + id + "/test", Map.of(), token), 409);
    assertThat(refused.get("code").asString()).isEqualTo("WEBHOOK_DISABLED");

    gateway
        .bean(WebhookEndpointRepository.class)
        .markFailing(tenant.id(), id, Instant.now())
        .block();
    JsonNode enabled =
        json(call("PATCH", "/v1/webhooks/" + id, Map.of("enabled", true), token), 200);
    assertThat(enabled.get("status").asString()).isEqualTo("enabled");
    assertThat(enabled.get("failingSince").isNull()).isTrue();
    json(call("PATCH", "/v1/webhooks/" + id, Map.of("url", "https://10.0.0.8/x"), token), 400);
  }

  @Test
  void rotationKeepsTheOldSecretSigningForTheOverlapOnly() {
    JsonNode created = create(Map.of("url", URL, "eventTypes", List.of("message.sent")));
    String id = created.get("webhook").get("id").asString();
    String first = created.get("secret").asString();

    JsonNode rotated =
        json(
            call(
                "POST",
                "/v1/webhooks/" + id + "/rotate-secret",
                Map.of("overlapMinutes", 60),
                token),
            200);
    String second = rotated.get("secret").asString();
    assertThat(second).startsWith("whsec_").isNotEqualTo(first);
    Instant retire = Instant.parse(rotated.get("previousSecretExpiresAt").asString());
    assertThat(retire).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
    assertThat(signing(id)).containsExactly(second, first);

    JsonNode again =
        json(
            call(
                "POST",
                "/v1/webhooks/" + id + "/rotate-secret",
                Map.of("overlapMinutes", 0),
                token),
            200);
    assertThat(signing(id)).containsExactly(again.get("secret").asString());
    json(
        call("POST", "/v1/webhooks/" + id + "/rotate-secret", Map.of("overlapMinutes", -1), token),
        400);
  }

  private List<String> signing(String id) {
    WebhookEndpoint stored =
        gateway.bean(WebhookEndpointRepository.class).findById(tenant.id(), id).block();
    return stored.signingSecrets(Instant.now()).stream()
        .map(s -> gateway.bean(CredentialCipher.class).decrypt(s.secret(), tenant.id(), id))
        .toList();
  }

  @Test
  void aTestEventIsStoredAsADueDeliveryForTheDispatcher() {
    String id = createId(List.of("message.sent"));
    JsonNode delivery =
        json(
            call(
                "POST", "/v1/webhooks/" + id + "/test", Map.of("eventType", "message.sent"), token),
            202);
    assertThat(delivery.get("status").asString()).isEqualTo("pending");
    assertThat(delivery.get("eventType").asString()).isEqualTo("message.sent");
    WebhookDelivery stored =
        gateway
            .bean(WebhookDeliveryRepository.class)
            .findById(tenant.id(), delivery.get("id").asString())
            .block();
    JsonNode payload = JSON.readTree(stored.payload());
    assertThat(payload.get("type").asString()).isEqualTo("message.sent");
    assertThat(payload.get("data").get("test").asBoolean()).isTrue();
    assertThat(payload.get("data").get("organization_id").asString()).isEqualTo(tenant.id());
    assertThat(stored.nextAttemptAt()).isBefore(Instant.now().plusSeconds(1));
    json(call("POST", "/v1/webhooks/" + id + "/test", Map.of("eventType", "nope"), token), 400);
  }

  @Test
  void theDeliveryLogPagesFiltersAndReplays() {
    String id = createId(List.of("message.sent"));
    WebhookDeliveryRepository repository = gateway.bean(WebhookDeliveryRepository.class);
    Instant start = Instant.now().minusSeconds(60);
    for (int i = 0; i < 5; i++) {
      WebhookDelivery pending =
          WebhookDelivery.pending(
              tenant.id(),
              id,
              "msg_log_" + i + "_" + UUID.randomUUID(),
              "message.sent",
              tenant.mailboxIds().get(0),
              "{}",
              start.plusSeconds(i),
              null);
      repository.insertIfAbsent(pending).block();
      WebhookDelivery leased =
          repository.extendLease(pending, Instant.now().plusSeconds(30)).block();
      repository
          .recordAttempt(
              leased,
              new DeliveryAttempt(
                  Instant.now(), i == 4 ? 200 : 500, 12, i == 4 ? null : "HTTP 500", i == 4),
              i == 4 ? DeliveryStatus.SUCCEEDED : DeliveryStatus.FAILED,
              1,
              Instant.now())
          .block();
    }
    JsonNode page =
        json(call("GET", "/v1/webhooks/" + id + "/deliveries?limit=2", null, token), 200);
    assertThat(page.get("data")).hasSize(2);
    assertThat(page.get("data").get(0).get("status").asString()).isEqualTo("succeeded");
    assertThat(page.get("data").get(1).get("attempts").get(0).get("statusCode").asInt())
        .isEqualTo(500);
    String next = page.get("nextPageToken").asString();
    JsonNode rest =
        json(
            call(
                "GET",
                "/v1/webhooks/" + id + "/deliveries?limit=10&pageToken=" + next,
                null,
                token),
            200);
    assertThat(rest.get("data")).hasSize(3);
    assertThat(rest.get("nextPageToken").isNull()).isTrue();
    json(
        call(
            "GET",
            "/v1/webhooks/" + id + "/deliveries?status=failed&pageToken=" + next,
            null,
            token),
        400);
    json(call("GET", "/v1/webhooks/" + id + "/deliveries?status=lost", null, token), 400);
    JsonNode failed =
        json(call("GET", "/v1/webhooks/" + id + "/deliveries?status=failed", null, token), 200);
    assertThat(failed.get("data")).hasSize(4);

    String one = failed.get("data").get(0).get("id").asString();
    JsonNode replayed =
        json(
            call("POST", "/v1/webhooks/" + id + "/deliveries/" + one + "/replay", null, token),
            202);
    assertThat(replayed.get("status").asString()).isEqualTo("pending");
    assertThat(replayed.get("attemptCount").asInt()).isEqualTo(1);
    JsonNode busy =
        json(
            call("POST", "/v1/webhooks/" + id + "/deliveries/" + one + "/replay", null, token),
            409);
    assertThat(busy.get("code").asString()).isEqualTo("DELIVERY_PENDING");

    JsonNode bulk =
        json(
            call(
                "POST",
                "/v1/webhooks/" + id + "/replay",
                Map.of("since", start.plusSeconds(2).toString()),
                token),
            202);
    assertThat(bulk.get("replayed").asLong()).isEqualTo(1);
    json(call("POST", "/v1/webhooks/" + id + "/replay", Map.of(), token), 400);
    json(
        call(
            "POST",
            "/v1/webhooks/" + id + "/replay",
            Map.of("since", Instant.now().plus(Duration.ofDays(1)).toString()),
            token),
        400);
    json(call("GET", "/v1/webhooks/" + id + "/deliveries/dlv_missing", null, token), 404);
  }

  @Test
  void tenantsAndRestrictedTokensSeeOnlyWhatTheyMayManage() {
    String everything = createId(List.of("message.sent"));
    String first = tenant.mailboxIds().get(0);
    JsonNode filtered =
        create(
            Map.of(
                "url",
                URL,
                "eventTypes",
                List.of("message.received"),
                "mailboxIds",
                List.of(first)));

    Tenant other = gateway.tenant("o-" + UUID.randomUUID() + "@mailroom.local");
    String stranger = gateway.fullToken(other.id());
    json(call("GET", "/v1/webhooks/" + everything, null, stranger), 404);
    json(call("DELETE", "/v1/webhooks/" + everything, null, stranger), 404);
    assertThat(json(call("GET", "/v1/webhooks", null, stranger), 200).get("data")).isEmpty();

    String scoped =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("search_emails"),
                "mailboxIds", List.of(first)));
    JsonNode visible = json(call("GET", "/v1/webhooks", null, scoped), 200);
    assertThat(visible.get("data")).hasSize(1);
    assertThat(visible.get("data").get(0).get("id").asString())
        .isEqualTo(filtered.get("webhook").get("id").asString());
    json(call("GET", "/v1/webhooks/" + everything, null, scoped), 404);
    json(
        call(
            "POST",
            "/v1/webhooks",
            Map.of("url", URL, "eventTypes", List.of("message.sent")),
            scoped),
        400);
    json(
        call(
            "POST",
            "/v1/webhooks",
            Map.of(
                "url",
                URL,
                "eventTypes",
                List.of("message.sent"),
                "mailboxIds",
                List.of(tenant.mailboxIds().get(1))),
            scoped),
        400);

    String fieldLimited =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("search_emails"),
                "visibleEmailFields", List.of("subject")));
    assertThat(json(call("GET", "/v1/webhooks", null, fieldLimited), 403).get("code").asString())
        .isEqualTo("FORBIDDEN");
    call("GET", "/v1/webhooks", null, "not-a-token").expectStatus().isUnauthorized();
  }

  @Test
  void messageEventsNeedEmailAccessAndAReadPermission() {
    Map<String, Object> messages = Map.of("url", URL, "eventTypes", List.of("message.received"));
    for (Map<String, Object> permissions :
        List.<Map<String, Object>>of(
            Map.of("emailAccessEnabled", false, "allowedEmailOperations", List.of("view_email")),
            Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of("send_email")))) {
      String lacking = gateway.token(tenant.id(), permissions);
      assertThat(json(call("POST", "/v1/webhooks", messages, lacking), 403).get("code").asString())
          .as(permissions.toString())
          .isEqualTo("FORBIDDEN");
      // Events without message contents stay open to it, but cannot be turned into ones with.
      String id =
          json(
                  call(
                      "POST",
                      "/v1/webhooks",
                      Map.of("url", URL, "eventTypes", List.of("mailbox.sync_completed")),
                      lacking),
                  201)
              .at("/webhook/id")
              .asString();
      json(
          call(
              "PATCH",
              "/v1/webhooks/" + id,
              Map.of("eventTypes", List.of("message.sent")),
              lacking),
          403);
    }
    for (String read : List.of("search_emails", "view_email")) {
      String reader =
          gateway.token(
              tenant.id(),
              Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of(read)));
      json(call("POST", "/v1/webhooks", messages, reader), 201);
    }
  }

  @Test
  void aReplayedSubscriptionIsRefusedOnceTheTokenMayNoLongerReadMessages() {
    var own = gateway.tenant("replay-" + java.util.UUID.randomUUID() + "@example.com");
    String reader =
        gateway.token(
            own.id(),
            Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of("view_email")));
    Map<String, Object> body = Map.of("url", URL, "eventTypes", List.of("message.received"));
    subscribeWithKey(reader, body).expectStatus().isCreated();
    // The token loses email access (as an operator's change would do): no replay of the answer.
    gateway
        .bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
        .updateMulti(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("tenantId")
                    .is(own.id())),
            org.springframework.data.mongodb.core.query.Update.update(
                "permissions.emailAccessEnabled", false),
            "api_tokens")
        .block();
    subscribeWithKey(reader, body)
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .doesNotExist("Idempotent-Replayed");
  }

  private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec subscribeWithKey(
      String bearer, Map<String, Object> body) {
    return gateway
        .client()
        .post()
        .uri("/v1/webhooks")
        .header("Authorization", "Bearer " + bearer)
        .header("Idempotency-Key", "subscribe-once")
        .bodyValue(body)
        .exchange();
  }

  @Test
  void deletingASubscriptionRemovesItsLog() {
    String id = createId(List.of("message.sent"));
    json(call("POST", "/v1/webhooks/" + id + "/test", null, token), 202);
    call("DELETE", "/v1/webhooks/" + id, null, token).expectStatus().isNoContent();
    json(call("GET", "/v1/webhooks/" + id, null, token), 404);
    assertThat(
            gateway
                .bean(WebhookDeliveryRepository.class)
                .list(tenant.id(), id, null, null, null, 10)
                .collectList()
                .block())
        .isEmpty();
  }
}
