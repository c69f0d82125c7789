package dev.mailroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.tenant.TenantRepository;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One resource model across route families: ids that round-trip, one list shape with paging,
 * timestamps with three decimals, and a delivery log that names its subscription.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceModelTest {
  private static final Pattern MILLIS =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  private static final Instant WHOLE_SECOND = Instant.parse("2026-12-01T10:00:00Z");

  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    String suffix = UUID.randomUUID().toString();
    tenant =
        gateway.tenant(
            "model-a-" + suffix + "@example.com",
            "model-b-" + suffix + "@example.com",
            "model-c-" + suffix + "@example.com");
    token = gateway.fullToken(tenant.id());
  }

  @Test
  void theIdsAWebhookCarriesWorkOnTheEmailAccessApi() {
    gateway.inbound(
        tenant, 1, "msg_roundtrip", "thr_roundtrip", "Round trip", "a@example.com", WHOLE_SECOND);
    // As a webhook's data.id and data.thread_id carry them, and as the Access API hands them out.
    for (String id : List.of("msg_roundtrip", "imap:msg_roundtrip")) {
      Map<?, ?> email = get(token, "/api/access/email/messages/" + id, 200);
      assertThat(email.get("id")).isEqualTo("imap:msg_roundtrip");
      assertThat(email.get("mailboxId")).isEqualTo(tenant.mailboxIds().get(1));
      assertThat((String) email.get("receivedAt")).isEqualTo("2026-12-01T10:00:00.000Z");
    }
    for (String id : List.of("thr_roundtrip", "imap:thr_roundtrip")) {
      Map<?, ?> thread = get(token, "/api/access/email/threads/" + id, 200);
      assertThat(thread.get("id")).isEqualTo("imap:thr_roundtrip");
    }
    get(token, "/api/access/email/messages/msg_nothing", 404);
    get(token, "/api/access/email/messages/google:msg_roundtrip", 404);

    // The mailbox id is an identifier: shown even to a token that sees only some fields.
    String limited =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("view_email"),
                "visibleEmailFields",
                List.of("subject")));
    Map<?, ?> email = get(limited, "/api/access/email/messages/msg_roundtrip", 200);
    assertThat(email.keySet().stream().map(String::valueOf).toList())
        .contains("id", "mailboxId", "subject")
        .doesNotContain("from");
  }

  @Test
  void everyListOfAdminAndV1IsOnePagedShape() {
    String admin = GatewayFixture.ADMIN_KEY;
    String base = "/admin/tenants/" + tenant.id();
    for (String[] list :
        new String[][] {
          {admin, "/admin/tenants"},
          {admin, base + "/mailboxes"},
          {admin, base + "/tokens"},
          {token, "/v1/mailboxes"},
          {token, "/v1/webhooks"}
        }) {
      Map<?, ?> page = get(list[0], list[1], 200);
      assertThat(page.keySet().stream().map(String::valueOf).toList())
          .as(list[1])
          .containsExactlyInAnyOrder("data", "nextPageToken");
      assertThat(page.get("data")).as(list[1]).isInstanceOf(List.class);
    }

    // Paging one item at a time visits every mailbox once, in creation order.
    for (String[] list : new String[][] {{admin, base + "/mailboxes"}, {token, "/v1/mailboxes"}}) {
      List<Object> seen = new ArrayList<>();
      String next = null;
      do {
        Map<?, ?> page =
            get(list[0], list[1] + "?limit=1" + (next == null ? "" : "&pageToken=" + next), 200);
        List<?> data = (List<?>) page.get("data");
        assertThat(data).hasSizeLessThanOrEqualTo(1);
        data.forEach(m -> seen.add(((Map<?, ?>) m).get("id")));
        next = (String) page.get("nextPageToken");
      } while (next != null);
      assertThat(seen).as(list[1]).containsExactlyElementsOf(tenant.mailboxIds());
    }

    String mailboxesToken =
        (String) get(admin, base + "/mailboxes?limit=1", 200).get("nextPageToken");
    Map<?, ?> refused = get(admin, base + "/tokens?pageToken=" + mailboxesToken, 400);
    assertThat(refused.toString()).contains("pageToken");
    assertThat(get(admin, base + "/tokens?limit=0", 400).toString()).contains("limit");
    assertThat(get(token, "/v1/mailboxes?limit=201", 400).toString()).contains("limit");
  }

  @Test
  void timestampsHaveExactlyThreeDecimals() {
    String tenantId = "ten_" + UUID.randomUUID().toString().replace("-", "");
    gateway
        .bean(TenantRepository.class)
        .insert(new dev.mailroom.store.tenant.Tenant(tenantId, "whole second", WHOLE_SECOND))
        .block();
    assertThat(get(GatewayFixture.ADMIN_KEY, "/admin/tenants/" + tenantId, 200).get("createdAt"))
        .isEqualTo("2026-12-01T10:00:00.000Z");
    Map<?, ?> mailbox =
        get(GatewayFixture.ADMIN_KEY, "/admin/tenants/" + tenant.id() + "/mailboxes", 200);
    for (Object m : (List<?>) mailbox.get("data")) {
      assertThat((String) ((Map<?, ?>) m).get("createdAt")).matches(MILLIS);
    }
  }

  @Test
  void theDeliveryLogNamesTheSubscriptionAndTheMessageHeaderApart() {
    Map<?, ?> created =
        (Map<?, ?>)
            gateway
                .client()
                .post()
                .uri("/v1/webhooks")
                .header("Authorization", "Bearer " + token)
                .bodyValue(
                    Map.of(
                        "url",
                        "https://hooks.example.com/model",
                        "eventTypes",
                        List.of("message.received")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("webhook");
    String subscription = (String) created.get("id");
    String header = "msg_" + UUID.randomUUID().toString().replace("-", "");
    gateway
        .bean(WebhookDeliveryRepository.class)
        .insertIfAbsent(
            WebhookDelivery.pending(
                tenant.id(),
                subscription,
                header,
                "message.received",
                tenant.mailboxIds().get(0),
                "{}",
                Instant.now(),
                null))
        .block();
    Map<?, ?> log = get(token, "/v1/webhooks/" + subscription + "/deliveries", 200);
    Map<?, ?> delivery = (Map<?, ?>) ((List<?>) log.get("data")).get(0);
    assertThat(delivery.get("webhookId")).isEqualTo(subscription);
    assertThat(delivery.get("webhookMessageId")).isEqualTo(header);
    assertThat((String) delivery.get("createdAt")).matches(MILLIS);
  }

  private Map<?, ?> get(String bearer, String uri, int status) {
    WebTestClient.ResponseSpec response =
        gateway.client().get().uri(uri).header("Authorization", "Bearer " + bearer).exchange();
    return response
        .expectStatus()
        .isEqualTo(status)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }
}
