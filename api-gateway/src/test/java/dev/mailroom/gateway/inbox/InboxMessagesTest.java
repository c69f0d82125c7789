package dev.mailroom.gateway.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Hosted;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.suppression.SuppressionRepository;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seed 004 walked route by route as a client would, over HTTP to a running gateway: send, reply,
 * list with search and get, each with its documented refusals. No send worker runs here, so sends
 * answer as queued; the whole suite's journey sends for real.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxMessagesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private GatewayFixture gateway;
  private WebTestClient client;
  private String tenantId;
  private String token;
  private Hosted inbox;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    client = gateway.client();
  }

  /** An organization of its own for each test: sends count against the organization's limit. */
  @BeforeEach
  void newOrganization() {
    tenantId = newTenant();
    token = gateway.fullToken(tenantId);
    inbox = gateway.hostedMailbox(tenantId, "support");
  }

  @Test
  void aConversationIsSentListedReadAndRepliedTo() {
    byte[] quote = "%PDF-1.4 the quote".getBytes(StandardCharsets.UTF_8);
    Map<String, Object> body = new HashMap<>(sendBody("customer@example.org", "Your quote"));
    body.put("cc", List.of("manager@example.org"));
    body.put("html", "<p>Here is the quote.</p>");
    body.put("labels", List.of("customer-support", "important"));
    body.put(
        "attachments",
        List.of(
            Map.of(
                "filename",
                "quote-1042.pdf",
                "content_type",
                "application/pdf",
                "content",
                Base64.getEncoder().encodeToString(quote))));
    JsonNode sent = send(inbox.id(), token, body, null, 200);
    assertThat(sent.path("organization_id").asString()).isEqualTo(tenantId);
    assertThat(sent.path("inbox_id").asString()).isEqualTo(inbox.id());
    assertThat(sent.path("from_inbox_id").asString()).isEqualTo(inbox.id());
    assertThat(sent.path("from").asString()).isEqualTo(inbox.address());
    assertThat(sent.path("to").get(0).asString()).isEqualTo("customer@example.org");
    assertThat(sent.path("cc").get(0).asString()).isEqualTo("manager@example.org");
    assertThat(sent.path("subject").asString()).isEqualTo("Your quote");
    assertThat(sent.path("text").asString()).isEqualTo("Here is the quote you asked for.");
    assertThat(sent.path("html").asString()).isEqualTo("<p>Here is the quote.</p>");
    assertThat(sent.path("labels").valueStream().map(JsonNode::asString))
        .contains("customer-support", "important");
    assertThat(sent.path("status").asString()).isEqualTo("queued");
    assertThat(sent.path("external_id").isNull()).as("no provider id yet").isTrue();
    assertThat(sent.path("direction").asString()).isEqualTo("outbound");
    assertThat(sent.path("created_at").asString()).isNotBlank();
    assertThat(sent.at("/attachments/0/filename").asString()).isEqualTo("quote-1042.pdf");
    String sentId = sent.path("id").asString();

    // The customer's answer arrives; the inbox replies to her alone, in the same thread.
    Tenant owner = new Tenant(tenantId, List.of(inbox.id()), List.of(inbox.address()));
    String answerId = Ids.newId("msg");
    StoredMessage answer =
        gateway.inbound(
            owner,
            0,
            answerId,
            sent.path("thread_id").asString(),
            "Re: Your quote",
            "customer@example.org",
            Instant.now());
    JsonNode reply =
        parse(
            post(
                    "/inboxes/" + inbox.id() + "/messages/" + answerId + "/reply",
                    token,
                    Map.of("text", "Thanks, we will ship tomorrow."),
                    null)
                .expectStatus()
                .isOk());
    assertThat(reply.path("subject").asString()).as("Re: once").isEqualTo("Re: Your quote");
    assertThat(reply.path("to").valueStream().map(JsonNode::asString))
        .containsExactly("customer@example.org");
    assertThat(reply.path("thread_id").asString()).isEqualTo(answer.threadId());
    assertThat(reply.path("from").asString()).isEqualTo(inbox.address());
    assertThat(reply.path("text").asString()).isEqualTo("Thanks, we will ship tomorrow.");

    // Newest first; search over subject, text and sender; a cursor for the next page.
    JsonNode all = list(inbox.id(), "", 200);
    assertThat(all.valueStream().map(m -> m.path("id").asString()).toList())
        .startsWith(reply.path("id").asString(), answerId, sentId);
    assertThat(all.get(0).path("text").asString()).isEqualTo("Thanks, we will ship tomorrow.");
    var firstPage =
        client
            .get()
            .uri("/inboxes/{i}/messages?limit=1", inbox.id())
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(String.class);
    String cursor = firstPage.getResponseHeaders().getFirst("X-Next-Cursor");
    assertThat(cursor).isNotBlank();
    JsonNode second = list(inbox.id(), "limit=1&cursor=" + cursor, 200);
    assertThat(second.get(0).path("id").asString()).isEqualTo(answerId);
    JsonNode bySender = list(inbox.id(), "search=customer@example.org", 200);
    assertThat(bySender.valueStream().map(m -> m.path("id").asString())).contains(answerId);
    JsonNode byText = list(inbox.id(), "search=tomorrow", 200);
    assertThat(byText.valueStream().map(m -> m.path("id").asString()))
        .containsExactly(reply.path("id").asString());
    assertThat(list(inbox.id(), "search=nothing-like-this", 200)).isEmpty();

    // One message with its attachment's content.
    JsonNode message = get(inbox.id(), sentId, 200);
    assertThat(message.at("/attachments/0/name").asString()).isEqualTo("quote-1042.pdf");
    assertThat(message.at("/attachments/0/contentType").asString()).isEqualTo("application/pdf");
    assertThat(Base64.getDecoder().decode(message.at("/attachments/0/content").asString()))
        .isEqualTo(quote);
    assertThat(message.path("to_inbox_id").isNull()).as("the customer is no inbox").isTrue();

    // The same message through seed 003 and the Email Access API.
    String uuid = seed003Id(sentId);
    client
        .get()
        .uri("/mailboxes/{a}/messages/{m}", inbox.address(), uuid)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.subject")
        .isEqualTo("Your quote")
        .jsonPath("$.body_text")
        .isEqualTo("Here is the quote you asked for.")
        .jsonPath("$.body_html")
        .isEqualTo("<p>Here is the quote.</p>");
    client
        .get()
        .uri("/api/access/email/messages/{m}", sentId)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.subject")
        .isEqualTo("Your quote");
  }

  @Test
  void mailWithoutAMessageIdIsRepliedToInItsThread() {
    Tenant owner = new Tenant(tenantId, List.of(inbox.id()), List.of(inbox.address()));
    String id = Ids.newId("msg");
    String thread = Ids.newId("thr");
    gateway.inbound(owner, 0, id, thread, "No id", "carol@example.com", Instant.now());
    // As mail handed over without a Message-ID header is stored.
    gateway
        .bean(ReactiveMongoTemplate.class)
        .updateFirst(
            Query.query(Criteria.where("_id").is(id)),
            new Update().unset("rfcMessageId"),
            StoredMessage.class)
        .block();
    JsonNode reply =
        parse(
            post(
                    "/inboxes/" + inbox.id() + "/messages/" + id + "/reply",
                    token,
                    Map.of("text", "We are on it."),
                    null)
                .expectStatus()
                .isOk());
    assertThat(reply.path("thread_id").asString()).isEqualTo(thread);
    assertThat(reply.path("subject").asString()).isEqualTo("Re: No id");
  }

  @Test
  void mailBetweenTwoInboxesNamesBothEnds() {
    Hosted sales = gateway.hostedMailbox(tenantId, "sales");
    JsonNode sent = send(inbox.id(), token, sendBody(sales.address(), "Lead"), null, 200);
    assertThat(sent.path("to_inbox_id").asString()).isEqualTo(sales.id());
    assertThat(sent.path("from_inbox_id").asString()).isEqualTo(inbox.id());
    // A token limited to one inbox is not told the ids of others.
    String scoped =
        gateway.token(
            tenantId,
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("send_email", "view_email"),
                "mailboxIds",
                List.of(inbox.id())));
    JsonNode again = send(inbox.id(), scoped, sendBody(sales.address(), "Lead 2"), null, 200);
    assertThat(again.path("to_inbox_id").isNull()).isTrue();
  }

  @Test
  void unknownAndForeignInboxesAndMessagesAreNotFoundInTheSeedsWords() {
    String foreign = gateway.hostedMailbox(newTenant(), "elsewhere").id();
    for (String id : List.of("mbx_unknown", foreign)) {
      assertThat(message(list(id, "", 404))).isEqualTo("Inbox not found");
      assertThat(message(get(id, "msg_unknown", 404))).isEqualTo("Inbox not found");
      assertThat(message(send(id, token, sendBody("a@example.org", "Hi"), null, 404)))
          .isEqualTo("Inbox not found");
      assertThat(
              message(
                  parse(
                      post(
                              "/inboxes/" + id + "/messages/msg_unknown/reply",
                              token,
                              Map.of("text", "Hi"),
                              null)
                          .expectStatus()
                          .isNotFound())))
          .isEqualTo("Inbox not found");
    }
    assertThat(message(get(inbox.id(), "msg_unknown", 404))).isEqualTo("Message not found");
    assertThat(
            message(
                parse(
                    post(
                            "/inboxes/" + inbox.id() + "/messages/msg_unknown/reply",
                            token,
                            Map.of("text", "Hi"),
                            null)
                        .expectStatus()
                        .isNotFound())))
        .isEqualTo("Message not found");

    // A message deleted (through seed 003) is gone from this family: no reply to it either.
    String sentId =
        send(inbox.id(), token, sendBody("gone@example.org", "Soon deleted"), null, 200)
            .path("id")
            .asString();
    client
        .delete()
        .uri("/mailboxes/{a}/messages/{m}", inbox.address(), seed003Id(sentId))
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNoContent();
    assertThat(
            message(
                parse(
                    post(
                            "/inboxes/" + inbox.id() + "/messages/" + sentId + "/reply",
                            token,
                            Map.of("text", "Still there?"),
                            null)
                        .expectStatus()
                        .isNotFound())))
        .isEqualTo("Message not found");
  }

  @Test
  void badRequestsAreRefusedFieldByField() {
    field(send(inbox.id(), token, Map.of("subject", "To no one"), null, 400), "to");
    field(send(inbox.id(), token, sendBody("not an address", "Hi"), null, 400), "to[0]");
    Map<String, Object> badLabel = new HashMap<>(sendBody("a@example.org", "Hi"));
    badLabel.put("labels", List.of("two words"));
    field(send(inbox.id(), token, badLabel, null, 400), "labels[0]");
    Map<String, Object> blocked = new HashMap<>(sendBody("a@example.org", "Script"));
    blocked.put(
        "attachments",
        List.of(
            Map.of(
                "filename",
                "run.bat",
                "content",
                Base64.getEncoder().encodeToString(new byte[] {1}))));
    field(send(inbox.id(), token, blocked, null, 400), "attachments[0].filename");
    Map<String, Object> noContent = new HashMap<>(sendBody("a@example.org", "Empty file"));
    noContent.put("attachments", List.of(Map.of("filename", "a.txt")));
    field(send(inbox.id(), token, noContent, null, 400), "attachments[0].content");
    field(list(inbox.id(), "limit=0", 400), "limit");
    field(list(inbox.id(), "cursor=forged.cursor", 400), "cursor");
    Map<String, Object> folder = new HashMap<>(sendBody("a@example.org", "Hidden"));
    folder.put("labels", List.of("trash"));
    field(send(inbox.id(), token, folder, null, 400), "labels[0]");
    // A cursor pages the inbox it came from.
    send(inbox.id(), token, sendBody("a@example.org", "One"), null, 200);
    send(inbox.id(), token, sendBody("a@example.org", "Two"), null, 200);
    String cursor =
        client
            .get()
            .uri("/inboxes/{i}/messages?limit=1", inbox.id())
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("X-Next-Cursor");
    Hosted other = gateway.hostedMailbox(tenantId, "other");
    field(list(other.id(), "cursor=" + cursor, 400), "cursor");

    // A suppressed recipient (it bounced for good) is refused, not sent.
    gateway
        .bean(SuppressionRepository.class)
        .add(
            Suppression.of(tenantId, "gone@example.org", "5.1.1 no such user", null, Instant.now()))
        .block();
    field(send(inbox.id(), token, sendBody("gone@example.org", "Hello?"), null, 400), "to[0]");

    String readOnly =
        gateway.token(
            tenantId,
            Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of("view_email")));
    send(inbox.id(), readOnly, sendBody("a@example.org", "Hi"), null, 403);
    list(inbox.id(), readOnly, "", 403);
    post("/inboxes/" + inbox.id() + "/messages/msg_x/reply", readOnly, Map.of("text", "x"), null)
        .expectStatus()
        .isForbidden();
    client
        .get()
        .uri("/inboxes/{i}/messages", inbox.id())
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void anIdempotencyKeyAnswersARetryOnceAndRefusesAnotherBody() {
    String key = "k-" + UUID.randomUUID();
    JsonNode first = send(inbox.id(), token, sendBody("a@example.org", "Once"), key, 200);
    JsonNode again = send(inbox.id(), token, sendBody("a@example.org", "Once"), key, 200);
    assertThat(again.path("id").asString()).isEqualTo(first.path("id").asString());
    send(inbox.id(), token, sendBody("a@example.org", "Twice"), key, 409);
    post(
            "/inboxes/" + inbox.id() + "/messages/" + first.path("id").asString() + "/reply",
            token,
            Map.of("text", "Another body under the same key"),
            key)
        .expectStatus()
        .isEqualTo(409);
  }

  @Test
  void anOrganizationSendsAndRepliesAHundredTimesAnHourThroughAllItsTokens() {
    String organization = newTenant();
    Hosted box = gateway.hostedMailbox(organization, "busy");
    String one = gateway.fullToken(organization);
    String other = gateway.fullToken(organization);
    // The test gateway allows 20 an hour; the two tokens share them.
    JsonNode last = null;
    for (int i = 0; i < 20; i++) {
      last =
          send(box.id(), i % 2 == 0 ? one : other, sendBody("a@example.org", "N" + i), null, 200);
    }
    post(
            "/inboxes/" + box.id() + "/messages/" + last.path("id").asString() + "/reply",
            one,
            Map.of("text", "One too many"),
            null)
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .exists("Retry-After");
    send(box.id(), other, sendBody("a@example.org", "Still too many"), null, 429);
    // Reading is not limited, and another organization still sends.
    list(box.id(), one, "", 200);
    send(inbox.id(), token, sendBody("a@example.org", "Elsewhere"), null, 200);
  }

  private JsonNode send(
      String inboxId, String credential, Map<String, Object> body, String key, int status) {
    return parse(
        post("/inboxes/" + inboxId + "/messages/send", credential, body, key)
            .expectStatus()
            .isEqualTo(status));
  }

  private WebTestClient.ResponseSpec post(
      String path, String credential, Map<String, Object> body, String key) {
    var request =
        client
            .post()
            .uri(path)
            .header("Authorization", "Bearer " + credential)
            .contentType(MediaType.APPLICATION_JSON);
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return request.bodyValue(body).exchange();
  }

  private JsonNode list(String inboxId, String query, int status) {
    return list(inboxId, token, query, status);
  }

  private JsonNode list(String inboxId, String credential, String query, int status) {
    return parse(
        client
            .get()
            .uri("/inboxes/" + inboxId + "/messages" + (query.isEmpty() ? "" : "?" + query))
            .header("Authorization", "Bearer " + credential)
            .exchange()
            .expectStatus()
            .isEqualTo(status));
  }

  private JsonNode get(String inboxId, String messageId, int status) {
    return parse(
        client
            .get()
            .uri("/inboxes/{i}/messages/{m}", inboxId, messageId)
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isEqualTo(status));
  }

  private static Map<String, Object> sendBody(String to, String subject) {
    return Map.of(
        "to", List.of(to), "subject", subject, "text", "Here is the quote you asked for.");
  }

  private static String message(JsonNode error) {
    return error.path("message").asString();
  }

  private static void field(JsonNode error, String field) {
    assertThat(error.path("fieldErrors").findValuesAsString("field")).contains(field);
  }

  private static JsonNode parse(WebTestClient.ResponseSpec response) {
    String body = response.expectBody(String.class).returnResult().getResponseBody();
    return body == null ? JSON.nullNode() : JSON.readTree(body);
  }

  /** Seed 003's form of one of Mailroom's ids: its 128 bits as a UUID. */
  private static String seed003Id(String id) {
    return id.substring(id.indexOf('_') + 1)
        .replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
  }

  private String newTenant() {
    return GatewayFixture.created(
        gateway.adminPost(
            "/admin/tenants",
            Map.of("name", "seed-004-" + UUID.randomUUID().toString().substring(0, 8))),
        "id");
  }
}
