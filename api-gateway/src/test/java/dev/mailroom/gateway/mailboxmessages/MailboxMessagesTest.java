package dev.mailroom.gateway.mailboxmessages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobRef;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
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
 * Seed 003 walked route by route as a client would, over HTTP to a running gateway: every route of
 * {@code /mailboxes/{email_address}/messages} with its success and each documented refusal. No send
 * worker runs here, so a send answers as queued; the whole suite's journey sends for real.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailboxMessagesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private GatewayFixture gateway;
  private WebTestClient client;
  private String tenantId;
  private String token;
  private String address;
  private String mailboxId;
  private String foreignAddress;
  private final Map<String, String> mailboxIds = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    client = gateway.client();
    tenantId = newTenant();
    address = hostedMailbox(tenantId, "support");
    mailboxId = mailboxIdOf(address);
    token = gateway.fullToken(tenantId);
    foreignAddress = hostedMailbox(newTenant(), "sales");
  }

  @Test
  void messagesAreListedNewestFirstAPageAtATimeAndFilteredByDirection() {
    String box = hostedMailbox(tenantId, "list-" + shortId());
    Tenant owner = new Tenant(tenantId, List.of(mailboxIdOf(box)), List.of(box));
    Instant start = Instant.parse("2026-11-02T10:00:00Z");
    List<String> inboundIds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = Ids.newId("msg");
      gateway.inbound(
          owner, 0, id, Ids.newId("thr"), "Question " + i, "c@example.org", start.plusSeconds(i));
      inboundIds.add(UuidIds.uuid(id));
    }
    JsonNode sent = send(box, sendBody("customer@example.org", "Answer"), 201);

    JsonNode first = list(box, "limit=2", 200);
    assertThat(first.path("messages")).hasSize(2);
    assertThat(first.at("/messages/0/id").asString())
        .as("the send is newest")
        .isEqualTo(sent.path("id").asString());
    assertThat(first.at("/messages/1/id").asString()).isEqualTo(inboundIds.get(2));
    String cursor = first.path("next_cursor").asString();
    assertThat(cursor).isNotBlank();
    JsonNode second = list(box, "limit=2&cursor=" + cursor, 200);
    assertThat(second.path("messages")).hasSize(2);
    assertThat(second.at("/messages/0/id").asString()).isEqualTo(inboundIds.get(1));
    assertThat(second.at("/messages/1/id").asString()).isEqualTo(inboundIds.get(0));
    assertThat(second.path("next_cursor").isNull()).isTrue();

    JsonNode inbound = list(box, "direction=inbound", 200);
    assertThat(inbound.path("messages")).hasSize(3);
    JsonNode item = inbound.at("/messages/0");
    assertThat(item.path("direction").asString()).isEqualTo("inbound");
    assertThat(item.path("status").asString()).isEqualTo("received");
    assertThat(item.path("from_address").asString()).isEqualTo("c@example.org");
    assertThat(item.path("to_addresses").get(0).asString()).isEqualTo(box);
    assertThat(item.path("mailbox_id").asString()).isEqualTo(UuidIds.uuid(mailboxIdOf(box)));
    assertThat(item.path("message_id").asString()).startsWith("<").endsWith("@example.com>");
    assertThat(item.has("body_text")).as("bodies only come with a single message").isFalse();
    JsonNode outbound = list(box, "direction=outbound", 200);
    assertThat(outbound.path("messages")).hasSize(1);
    assertThat(outbound.at("/messages/0/direction").asString()).isEqualTo("outbound");
    assertThat(outbound.at("/messages/0/status").asString()).isEqualTo("queued");
    assertThat(outbound.at("/messages/0/cc_addresses").isNull()).isTrue();

    // A cursor belongs to its direction; limits and directions outside the document are refused.
    field(list(box, "direction=inbound&limit=2&cursor=" + cursor, 400), "cursor");
    field(list(box, "limit=0", 400), "limit");
    field(list(box, "limit=101", 400), "limit");
    field(list(box, "direction=sideways", 400), "direction");
  }

  @Test
  void aMessageComesWithBothBodiesFromStorage() {
    JsonNode sent =
        send(
            address,
            Map.of(
                "recipients",
                Map.of("to", List.of("customer@example.org"), "cc", List.of("boss@example.org")),
                "subject",
                "Both bodies",
                "body_text",
                "Plain words",
                "body_html",
                "<p>Rich words</p>"),
            201);
    assertThat(sent.has("body_text")).as("201 answers the list item").isFalse();
    JsonNode message = get(address, sent.path("id").asString(), 200);
    assertThat(message.path("body_text").asString()).isEqualTo("Plain words");
    assertThat(message.path("body_html").asString()).isEqualTo("<p>Rich words</p>");
    assertThat(message.path("subject").asString()).isEqualTo("Both bodies");
    assertThat(message.path("cc_addresses").get(0).asString()).isEqualTo("boss@example.org");
    assertThat(message.path("snippet").asString()).isEqualTo("Plain words");
    assertThat(message.path("from_address").asString()).isEqualTo(address);

    // The same message through the Email Access API (seed 002), by its own id.
    String coreId = "msg_" + sent.path("id").asString().replace("-", "");
    client
        .get()
        .uri("/api/access/email/messages/{id}", coreId)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.subject")
        .isEqualTo("Both bodies");

    get(address, UUID.randomUUID().toString(), 404);
    get(address, "not-a-uuid", 404);
    get("nobody-" + shortId() + "@example.net", sent.path("id").asString(), 404);
  }

  @Test
  void aSendIsThreadedByTheMessageItAnswers() {
    String box = hostedMailbox(tenantId, "thread-" + shortId());
    Tenant owner = new Tenant(tenantId, List.of(mailboxIdOf(box)), List.of(box));
    String questionId = Ids.newId("msg");
    String threadId = Ids.newId("thr");
    StoredMessage question =
        gateway.inbound(
            owner,
            0,
            questionId,
            threadId,
            "Where is my order?",
            "c@example.org",
            Instant.parse("2026-11-03T08:00:00Z"));

    Map<String, Object> reply = new java.util.HashMap<>(sendBody("c@example.org", "Re: order"));
    reply.put("in_reply_to_message_id", "<" + question.rfcMessageId() + ">");
    JsonNode answered = send(box, reply, 201);
    assertThat(answered.path("thread_id").asString()).isEqualTo(UuidIds.uuid(threadId));
    StoredMessage stored = stored(answered);
    assertThat(stored.inReplyTo()).isEqualTo(question.rfcMessageId());
    assertThat(stored.references()).containsExactly(question.rfcMessageId());

    // A Message-ID the mailbox does not hold still goes out as In-Reply-To, in a new thread.
    reply.put("in_reply_to_message_id", "CAF-elsewhere@mail.example.org");
    JsonNode elsewhere = send(box, reply, 201);
    assertThat(elsewhere.path("thread_id").asString()).isNotEqualTo(UuidIds.uuid(threadId));
    assertThat(stored(elsewhere).inReplyTo()).isEqualTo("CAF-elsewhere@mail.example.org");

    reply.put("in_reply_to_message_id", "no brackets or at sign");
    field(send(box, reply, 400), "in_reply_to_message_id");
  }

  @Test
  void badSendsAreRefusedFieldByField() {
    field(send(address, Map.of("subject", "No one to send to"), 400), "recipients.to");
    field(send(address, sendBody("not an address", "Hi"), 400), "recipients.to[0]");
    field(
        send(
            address,
            Map.of(
                "recipients",
                Map.of("to", List.of("a@example.org"), "bcc", List.of("x@")),
                "subject",
                "Hi"),
            400),
        "recipients.bcc[0]");
    field(send(address, sendBody("a@example.org", "s".repeat(999)), 400), "subject");
    Map<String, Object> blocked = new java.util.HashMap<>(sendBody("a@example.org", "Tool"));
    blocked.put(
        "attachments",
        List.of(
            Map.of(
                "filename",
                "setup.EXE",
                "content_type",
                "application/octet-stream",
                "content_base64",
                Base64.getEncoder().encodeToString(new byte[] {1, 2}))));
    field(send(address, blocked, 400), "attachments[0].filename");
    Map<String, Object> unknown = new java.util.HashMap<>(sendBody("a@example.org", "Hi"));
    unknown.put("body", "a field of another family");
    send(address, unknown, 400);
    // A token that may not send, one that sees only some fields, one without email access.
    String readOnly =
        gateway.token(
            tenantId,
            Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of("view_email")));
    sendAs(readOnly, address, sendBody("a@example.org", "Hi"), null).expectStatus().isForbidden();
    String restricted =
        gateway.token(
            tenantId,
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("search_emails", "send_email"),
                "visibleEmailFields",
                List.of("subject")));
    client
        .get()
        .uri("/mailboxes/{a}/messages", address)
        .header("Authorization", "Bearer " + restricted)
        .exchange()
        .expectStatus()
        .isForbidden();
    String disabled = gateway.token(tenantId, Map.of("emailAccessEnabled", false));
    sendAs(disabled, address, sendBody("a@example.org", "Hi"), null).expectStatus().isForbidden();
    client
        .post()
        .uri("/mailboxes/{a}/messages", address)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(sendBody("a@example.org", "Hi"))
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void anIdempotencyKeyAnswersARetryOnceAndRefusesAnotherBody() {
    String key = "k-" + UUID.randomUUID();
    Map<String, Object> body = sendBody("a@example.org", "Once");
    JsonNode first = parse(sendAs(token, address, body, key).expectStatus().isCreated());
    JsonNode again = parse(sendAs(token, address, body, key).expectStatus().isCreated());
    assertThat(again.path("id").asString()).isEqualTo(first.path("id").asString());
    sendAs(token, address, sendBody("a@example.org", "Twice"), key).expectStatus().isEqualTo(409);
  }

  @Test
  void aMailboxHasAnHourlySendLimitWithRateLimitHeaders() {
    String box = hostedMailbox(tenantId, "busy-" + shortId());
    // The test gateway allows 25 sends a mailbox an hour.
    for (int i = 0; i < 25; i++) {
      send(box, sendBody("a@example.org", "Send " + i), 201);
    }
    var refused =
        sendAs(token, box, sendBody("a@example.org", "One too many"), null)
            .expectStatus()
            .isEqualTo(429)
            .expectHeader()
            .exists("Retry-After")
            .expectHeader()
            .valueEquals("X-RateLimit-Limit", "25")
            .expectHeader()
            .valueEquals("X-RateLimit-Remaining", "0")
            .expectHeader()
            .exists("X-RateLimit-Reset");
    assertThat(parse(refused).path("code").asString()).isEqualTo("RATE_LIMITED");
    // Another mailbox of the same tenant still sends.
    send(address, sendBody("a@example.org", "Elsewhere"), 201);
  }

  @Test
  void aDeletedMessageIsGoneAndAnUnknownOneIsNotFound() {
    JsonNode sent = send(address, sendBody("a@example.org", "Delete me"), 201);
    String id = sent.path("id").asString();
    delete(address, id).expectStatus().isNoContent();
    get(address, id, 404);
    // Gone: deleting it again finds nothing to delete.
    delete(address, id).expectStatus().isNotFound();
    delete(address, UUID.randomUUID().toString()).expectStatus().isNotFound();
    client
        .delete()
        .uri("/mailboxes/{a}/messages/{m}", address, UUID.randomUUID())
        .header("Authorization", "Bearer " + token)
        .header("Idempotency-Key", "")
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void anAttachmentIsDownloadedFromAPresignedUrl() throws Exception {
    byte[] pdf = "%PDF-1.4 the invoice".getBytes(StandardCharsets.UTF_8);
    Map<String, Object> body = new java.util.HashMap<>(sendBody("a@example.org", "Invoice"));
    body.put(
        "attachments",
        List.of(
            Map.of(
                "filename",
                "invoice 11.pdf",
                "content_type",
                "application/pdf",
                "content_base64",
                Base64.getEncoder().encodeToString(pdf))));
    JsonNode sent = send(address, body, 201);
    assertThat(sent.at("/attachment_metadata/0/filename").asString()).isEqualTo("invoice 11.pdf");
    assertThat(sent.at("/attachment_metadata/0/size").asLong()).isEqualTo(pdf.length);
    String id = sent.path("id").asString();

    var redirect =
        client
            .get()
            .uri("/mailboxes/{a}/messages/{m}/attachments/{f}", address, id, "invoice 11.pdf")
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isFound()
            .returnResult(String.class);
    URI location = redirect.getResponseHeaders().getLocation();
    assertThat(location).isNotNull();
    HttpResponse<byte[]> download =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(pdf);
    assertThat(download.headers().firstValue("Content-Disposition").orElse(""))
        .startsWith("attachment")
        .contains("invoice");

    JsonNode link =
        parse(
            client
                .get()
                .uri(
                    "/mailboxes/{a}/messages/{m}/attachments/{f}?redirect=false",
                    address,
                    id,
                    "invoice 11.pdf")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk());
    assertThat(link.path("filename").asString()).isEqualTo("invoice 11.pdf");
    assertThat(link.path("expires_in").asInt()).isEqualTo(900);
    assertThat(link.path("url").asString()).contains("X-Amz-Expires=900");

    // A deleted message's attachment is gone with it.
    JsonNode kept = send(address, body, 201);
    delete(address, kept.path("id").asString()).expectStatus().isNoContent();
    client
        .get()
        .uri(
            "/mailboxes/{a}/messages/{m}/attachments/{f}",
            address,
            kept.path("id").asString(),
            "invoice 11.pdf")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNotFound();
    client
        .get()
        .uri("/mailboxes/{a}/messages/{m}/attachments/{f}", address, id, "other.pdf")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNotFound();
    client
        .get()
        .uri(
            "/mailboxes/{a}/messages/{m}/attachments/{f}?redirect=maybe",
            address,
            id,
            "invoice 11.pdf")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void anAttachmentStoredInsideAPackIsCopiedOutForItsUrl() throws Exception {
    String box = hostedMailbox(tenantId, "packed-" + shortId());
    String boxId = mailboxIdOf(box);
    Tenant owner = new Tenant(tenantId, List.of(boxId), List.of(box));
    String id = Ids.newId("msg");
    gateway.inbound(owner, 0, id, Ids.newId("thr"), "Scan", "c@example.org", Instant.now());
    // As sync stores a batch (ADR 26): the parts of many messages side by side in one object.
    byte[] before = "another message's body".getBytes(StandardCharsets.UTF_8);
    byte[] scan = "%PDF-1.4 the scan".getBytes(StandardCharsets.UTF_8);
    String pack = BlobKeys.pack(tenantId, boxId, "pack_" + shortId());
    gateway.bean(BlobStore.class).putPack(pack, List.of(before, scan)).block();
    Attachment attachment =
        new Attachment(
            "att_1",
            "scan.pdf",
            "application/pdf",
            scan.length,
            false,
            null,
            BlobRef.range(pack, before.length, scan.length).toString());
    gateway
        .bean(ReactiveMongoTemplate.class)
        .updateFirst(
            Query.query(Criteria.where("_id").is(id)),
            new Update().set("attachments", List.of(attachment)).set("hasAttachments", true),
            StoredMessage.class)
        .block();

    JsonNode link =
        parse(
            client
                .get()
                .uri(
                    "/mailboxes/{a}/messages/{m}/attachments/scan.pdf?redirect=false",
                    box,
                    UuidIds.uuid(id))
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk());
    HttpResponse<byte[]> download =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(link.path("url").asString())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.body()).isEqualTo(scan);
    assertThat(
            gateway
                .bean(BlobStore.class)
                .get(BlobKeys.download(tenantId, boxId, id, "att_1"))
                .block())
        .as("the copy the URL names")
        .isEqualTo(scan);
  }

  @Test
  void anotherOrganizationsMailboxIsForbiddenOnEveryRoute() {
    String someId = UUID.randomUUID().toString();
    list(foreignAddress, "", 403);
    get(foreignAddress, someId, 403);
    JsonNode refused = send(foreignAddress, sendBody("a@example.org", "Hi"), 403);
    assertThat(refused.path("message").asString())
        .isEqualTo("Mailbox does not belong to your organization");
    delete(foreignAddress, someId).expectStatus().isForbidden();
    client
        .get()
        .uri("/mailboxes/{a}/messages/{m}/attachments/x.pdf", foreignAddress, someId)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isForbidden();
    // A token limited to other mailboxes of its own tenant is refused the same way.
    String other = hostedMailbox(tenantId, "other-" + shortId());
    String limited =
        gateway.token(
            tenantId,
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("search_emails"),
                "mailboxIds",
                List.of(mailboxIdOf(other))));
    client
        .get()
        .uri("/mailboxes/{a}/messages", address)
        .header("Authorization", "Bearer " + limited)
        .exchange()
        .expectStatus()
        .isForbidden();
  }

  private JsonNode list(String box, String query, int status) {
    return parse(
        client
            .get()
            .uri("/mailboxes/" + box + "/messages" + (query.isEmpty() ? "" : "?" + query))
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isEqualTo(status));
  }

  private JsonNode get(String box, String id, int status) {
    return parse(
        client
            .get()
            .uri("/mailboxes/{a}/messages/{m}", box, id)
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isEqualTo(status));
  }

  private JsonNode send(String box, Map<String, Object> body, int status) {
    return parse(sendAs(token, box, body, null).expectStatus().isEqualTo(status));
  }

  private WebTestClient.ResponseSpec sendAs(
      String credential, String box, Map<String, Object> body, String idempotencyKey) {
    var request =
        client
            .post()
            .uri("/mailboxes/{a}/messages", box)
            .header("Authorization", "Bearer " + credential)
            .contentType(MediaType.APPLICATION_JSON);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return request.bodyValue(body).exchange();
  }

  private WebTestClient.ResponseSpec delete(String box, String id) {
    return client
        .delete()
        .uri("/mailboxes/{a}/messages/{m}", box, id)
        .header("Authorization", "Bearer " + token)
        .exchange();
  }

  private static Map<String, Object> sendBody(String to, String subject) {
    return Map.of(
        "recipients", Map.of("to", List.of(to)), "subject", subject, "body_text", "Hello");
  }

  private static void field(JsonNode error, String field) {
    assertThat(error.path("fieldErrors").findValuesAsString("field")).contains(field);
  }

  private StoredMessage stored(JsonNode item) {
    return gateway
        .bean(MessageRepository.class)
        .findById(tenantId, "msg_" + item.path("id").asString().replace("-", ""))
        .block();
  }

  private static JsonNode parse(WebTestClient.ResponseSpec response) {
    String body = response.expectBody(String.class).returnResult().getResponseBody();
    return body == null ? JSON.nullNode() : JSON.readTree(body);
  }

  private String newTenant() {
    return GatewayFixture.created(
        gateway.adminPost("/admin/tenants", Map.of("name", "seed-003-" + shortId())), "id");
  }

  /** A hosted mailbox of the tenant on a domain of its own; its address. */
  private String hostedMailbox(String tenant, String localPart) {
    GatewayFixture.Hosted hosted = gateway.hostedMailbox(tenant, localPart);
    mailboxIds.put(hosted.address(), hosted.id());
    return hosted.address();
  }

  private String mailboxIdOf(String box) {
    return mailboxIds.get(box);
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
