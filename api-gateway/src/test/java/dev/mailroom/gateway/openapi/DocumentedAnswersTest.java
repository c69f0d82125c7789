package dev.mailroom.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The refusals the OpenAPI document promises across a whole route family, tried on every operation
 * that documents them, read from the served document so that a new route is tried too: the rate
 * limit, a token that may not manage webhooks, unknown ids, an {@code Idempotency-Key} reused for
 * another request, and query parameters outside their documented bounds. Each answer must be the
 * documented status in the {@code ApiError} shape; {@link StatusCoverageTest} counts them as seen.
 * Request bodies are the document's own examples, so they are also checked to be accepted.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentedAnswersTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_]+)}");
  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  record Op(String method, String path, JsonNode node) {
    String id() {
      return node.path("operationId").asString();
    }

    boolean documents(int status) {
      return node.path("responses").has(String.valueOf(status));
    }

    boolean takesIdempotencyKey() {
      for (JsonNode p : node.path("parameters")) {
        if (p.path("name").asString().equals("Idempotency-Key")) {
          return true;
        }
      }
      return false;
    }

    boolean admin() {
      return path.startsWith("/admin");
    }
  }

  private GatewayFixture gateway;
  private WebTestClient client;
  private JsonNode document;
  private Map<String, String> known;
  private List<Op> operations;
  private Tenant tenant;
  private String token;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    client = gateway.client();
    document =
        JSON.readTree(
            client
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    operations = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (String method : METHODS) {
        if (path.getValue().has(method)) {
          operations.add(new Op(method, path.getKey(), path.getValue().get(method)));
        }
      }
    }
    tenant = gateway.tenant("documented-" + UUID.randomUUID() + "@example.com");
    token = gateway.fullToken(tenant.id());
    gateway.inbound(
        tenant,
        0,
        "msg_documented",
        "thr_documented",
        "Documented",
        "a@example.com",
        Instant.now());
    JsonNode webhook =
        created(
            "/v1/webhooks",
            token,
            "{\"url\":\"https://hooks.example.com/d\",\"eventTypes\":[\"message.sent\"]}");
    String webhookId = webhook.at("/webhook/id").asString();
    JsonNode delivery =
        JSON.readTree(
            client
                .post()
                .uri("/v1/webhooks/" + webhookId + "/test")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    JsonNode topics =
        JSON.readTree(
            client
                .get()
                .uri("/admin/dead-letters")
                .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    known =
        Map.of(
            "tenantId", tenant.id(),
            "mailboxId", tenant.mailboxIds().get(0),
            "email_address", tenant.addresses().get(0),
            "inbox_id", tenant.mailboxIds().get(0),
            "emailId", "imap:msg_documented",
            "threadId", "imap:thr_documented",
            "webhookId", webhookId,
            "deliveryId", delivery.path("id").asString(),
            "topic", topics.at("/data/0/topic").asString());
  }

  private JsonNode created(String path, String credential, String body) {
    return JSON.readTree(
        client
            .post()
            .uri(path)
            .header("Authorization", "Bearer " + credential)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody());
  }

  /** The owner reads one delivery of its subscription. */
  @Test
  void aDeliveryIsReadBack() {
    String body =
        client
            .get()
            .uri(
                "/v1/webhooks/" + known.get("webhookId") + "/deliveries/" + known.get("deliveryId"))
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(JSON.readTree(body).path("id").asString()).isEqualTo(known.get("deliveryId"));
  }

  /** The operator lists and reads tenants; a nameless one is refused. */
  @Test
  void tenantsAreListedAndANamelessOneIsRefused() {
    String listed =
        client
            .get()
            // The newest page: the module's other tests make tenants too.
            .uri("/admin/tenants?limit=200")
            .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(listed).contains(tenant.id());
    List<String> problems = new ArrayList<>();
    expect(problems, operation("createTenant"), post("/admin/tenants", "{\"name\":\" \"}"), 400);
    assertThat(problems).isEmpty();
  }

  /** A reply needs a body. */
  @Test
  void aReplyWithoutABodyAnswers400() {
    EntityExchangeResult<String> result =
        client
            .post()
            .uri("/api/access/email/messages/" + known.get("emailId") + "/reply")
            .header("Authorization", "Bearer " + token)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{}")
            .exchange()
            .expectBody(String.class)
            .returnResult();
    List<String> problems = new ArrayList<>();
    expect(
        problems,
        operation("replyToEmail"),
        new Answer(result.getStatus().value(), result.getResponseBody()),
        400);
    assertThat(problems).isEmpty();
  }

  private Op operation(String id) {
    return operations.stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow();
  }

  /** A tenant holds an address once. */
  @Test
  void aMailboxConnectedTwiceAnswers409() {
    String address = "twice-" + UUID.randomUUID() + "@example.com";
    gateway.mailbox(tenant.id(), address, false, false, false);
    Op op = operation("createTenantMailbox");
    List<String> problems = new ArrayList<>();
    expect(
        problems,
        op,
        post("/admin/tenants/" + tenant.id() + "/mailboxes", mailboxBody(address)),
        409);
    assertThat(problems).isEmpty();
  }

  private Answer post(String path, String body) {
    EntityExchangeResult<String> result =
        client
            .post()
            .uri(path)
            .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectBody(String.class)
            .returnResult();
    return new Answer(result.getStatus().value(), result.getResponseBody());
  }

  /** A mailbox on the test mail server, the one host the test gateway allows. */
  private String mailboxBody(String address) {
    var mail = gateway.infrastructure().endpoints().mail();
    return "{\"provider\":\"imap\",\"address\":\""
        + address
        + "\",\"readEnabled\":false,\"imap\":{\"host\":\""
        + mail.host()
        + "\",\"port\":"
        + mail.imapPort()
        + ",\"security\":\"none\"},\"smtp\":{\"host\":\""
        + mail.host()
        + "\",\"port\":"
        + mail.smtpPort()
        + ",\"security\":\"none\"},\"password\":\"unused\"}";
  }

  @Test
  void everyRateLimitedOperationAnswers429OnceTheTokensLimitIsUsedUp() {
    String exhausted = gateway.fullToken(tenant.id());
    // The limits count per token across a whole family, whatever the route.
    useUp(exhausted, "/api/access/email/messages/imap:msg_unknown");
    useUp(exhausted, "/v1/mailboxes/mbx_unknown");
    // Seeds 003 and 004 share one: their per-mailbox and per-organization send limits are used up
    // by their own tests (MailboxMessagesTest, InboxMessagesTest).
    useUp(exhausted, "/mailboxes/unknown@documented.example.net/messages");
    List<String> problems = new ArrayList<>();
    for (Op op : select(op -> op.documents(429))) {
      expect(problems, op, call(op, exhausted, null, true, null, known), 429);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyWebhookOperationRefusesATokenWithRestrictedFields() {
    String restricted =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled",
                true,
                "allowedEmailOperations",
                List.of("view_email"),
                "visibleEmailFields",
                List.of("subject")));
    List<String> problems = new ArrayList<>();
    for (Op op : select(op -> op.path.startsWith("/v1/webhooks") && op.documents(403))) {
      expect(problems, op, call(op, restricted, null, true, null, known), 403);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyOperationOnAnIdAnswers404ForAnUnknownOne() {
    List<String> problems = new ArrayList<>();
    for (Op op : select(op -> op.documents(404) && op.path.contains("{"))) {
      expect(
          problems,
          op,
          call(op, op.admin() ? GatewayFixture.ADMIN_KEY : token, null, true, null, Map.of()),
          404);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyIdempotentWriteAnswers409ToAKeyReusedForAnotherRequest() {
    String key = "documented-" + UUID.randomUUID();
    client
        .post()
        .uri("/v1/webhooks")
        .header("Authorization", "Bearer " + token)
        .header("Idempotency-Key", key)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            "{\"url\":\"https://hooks.example.com/first\",\"eventTypes\":[\"message.sent\"]}")
        .exchange()
        .expectStatus()
        .isCreated();
    List<String> problems = new ArrayList<>();
    for (Op op : select(op -> op.takesIdempotencyKey())) {
      expect(problems, op, call(op, token, key, true, null, known), 409);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void queryParametersOutsideTheirDocumentedValuesAnswer400() {
    List<String> problems = new ArrayList<>();
    int tried = 0;
    for (Op op : operations) {
      for (JsonNode parameter : op.node().path("parameters")) {
        if (!parameter.path("in").asString().equals("query")) {
          continue;
        }
        String invalid = invalidValue(parameter.path("schema"));
        if (invalid == null) {
          continue;
        }
        tried++;
        String credential = op.admin() ? GatewayFixture.ADMIN_KEY : token;
        String query = parameter.path("name").asString() + "=" + invalid;
        Answer answer = call(op, credential, null, false, query, known);
        if (!op.documents(400)) {
          problems.add(op.id() + " takes " + query + " but documents no 400");
        } else {
          expect(problems, op, answer, 400);
        }
      }
    }
    assertThat(tried).isPositive();
    assertThat(problems).isEmpty();
  }

  /** A value the parameter's schema excludes: past its bounds, or outside its enum. */
  private static String invalidValue(JsonNode schema) {
    if (schema.has("enum")) {
      return "not-a-documented-value";
    }
    if (schema.has("maximum")) {
      return String.valueOf(schema.get("maximum").asLong() + 1);
    }
    if (schema.has("minimum")) {
      return String.valueOf(schema.get("minimum").asLong() - 1);
    }
    return null;
  }

  private void useUp(String credential, String path) {
    for (int i = 0; i < 1000; i++) {
      int status =
          client
              .get()
              .uri(path)
              .header("Authorization", "Bearer " + credential)
              .exchange()
              .returnResult(String.class)
              .getStatus()
              .value();
      if (status == 429) {
        return;
      }
    }
    throw new AssertionError("No limit reached on " + path);
  }

  private List<Op> select(Predicate<Op> which) {
    List<Op> selected = operations.stream().filter(which).toList();
    assertThat(selected).as("operations to try").isNotEmpty();
    return selected;
  }

  record Answer(int status, String body) {}

  /**
   * The operation called with the ids given (an unknown one for any other path variable) and,
   * {@code withBody}, the document's example body.
   */
  private Answer call(
      Op op,
      String credential,
      String idempotencyKey,
      boolean withBody,
      String query,
      Map<String, String> ids) {
    Matcher m = VARIABLE.matcher(op.path());
    StringBuilder path = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(path, ids.getOrDefault(m.group(1), unknownId(m.group(1))));
    }
    m.appendTail(path);
    if (query != null) {
      path.append('?').append(query);
    }
    WebTestClient.RequestBodySpec request =
        client
            .method(HttpMethod.valueOf(op.method().toUpperCase(java.util.Locale.ROOT)))
            .uri(path.toString())
            .header("Authorization", "Bearer " + credential);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    JsonNode schema = op.node().at("/requestBody/content/application~1json/schema");
    try {
      EntityExchangeResult<String> result =
          (withBody && !schema.isMissingNode()
                  ? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body(op, schema))
                  : request)
              .exchange()
              .expectBody(String.class)
              .returnResult();
      return new Answer(result.getStatus().value(), result.getResponseBody());
    } catch (IllegalStateException e) {
      // No answer in time: said as the operation's failure, not as an error ending the walk.
      return new Answer(0, op.method() + " " + path + ": " + e.getMessage());
    }
  }

  /**
   * The document's example, but for a new mailbox: its example servers would be looked up in DNS
   * before anything else is checked.
   */
  private String body(Op op, JsonNode schema) {
    return op.id().equals("createTenantMailbox")
        ? mailboxBody("example-" + UUID.randomUUID() + "@example.com")
        : JSON.writeValueAsString(example(schema));
  }

  private static String unknownId(String variable) {
    return switch (variable) {
      case "emailId" -> "imap:msg_documentedunknown";
      case "threadId" -> "imap:thr_documentedunknown";
      case "email_address" -> "unknown@documented.example.net";
      case "message_id" -> "0f8e2a6c-4b1d-4c3e-9a57-2d6b8f1e0c94";
      default -> "unknown_" + variable;
    };
  }

  /** The body the document's examples make: the schema's own example, else one per property. */
  private JsonNode example(JsonNode schema) {
    JsonNode resolved = resolve(schema);
    if (resolved.has("example")) {
      return resolved.get("example");
    }
    if (resolved.has("oneOf")) {
      return example(resolved.get("oneOf").get(0));
    }
    if (resolved.path("type").asString("").equals("array") || resolved.has("items")) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      array.add(example(resolved.path("items")));
      return array;
    }
    if (resolved.has("properties")) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      Map<String, JsonNode> values = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> property : resolved.get("properties").properties()) {
        values.put(property.getKey(), example(property.getValue()));
      }
      values.forEach(object::set);
      return object;
    }
    if (resolved.has("enum")) {
      return resolved.get("enum").get(0);
    }
    return JsonNodeFactory.instance.nullNode();
  }

  private JsonNode resolve(JsonNode schema) {
    String ref = schema.path("$ref").asString("");
    return ref.isEmpty() ? schema : document.at(ref.substring(1));
  }

  private static void expect(List<String> problems, Op op, Answer answer, int status) {
    String where = op.method().toUpperCase(java.util.Locale.ROOT) + " " + op.path() + " " + op.id();
    if (answer.status() != status) {
      problems.add(
          where + ": expected " + status + ", answered " + answer.status() + " " + answer.body());
      return;
    }
    if (!op.documents(status)) {
      problems.add(where + ": answered " + status + ", which it does not document");
    }
    JsonNode body = JSON.readTree(answer.body() == null ? "{}" : answer.body());
    if (body.path("status").asInt() != status || body.path("code").asString("").isEmpty()) {
      problems.add(where + ": not an ApiError body: " + answer.body());
    }
  }
}
