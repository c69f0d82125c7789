package dev.mailroom.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.suppression.SuppressionRepository;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The admin API from a tenant's creation to its deletion, as an operator drives it: connect a
 * mailbox (its login checked), read and change it, list and revoke tokens, delete a mailbox and a
 * tenant and find nothing of them left in MongoDB or S3.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminJourneyTest {
  /** Every collection that holds tenant data (see DataPurge), with the field naming the tenant. */
  private static final List<String> TENANT_COLLECTIONS =
      List.of(
          "mailboxes",
          "messages",
          "hosted_domains",
          "suppressions",
          "api_tokens",
          "webhook_endpoints",
          "webhook_deliveries",
          "idempotency_keys",
          "outbox");

  private GatewayFixture gateway;
  private TestInfrastructure infrastructure;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    this.infrastructure = infrastructure;
    gateway = GatewayFixture.shared(infrastructure);
  }

  @Test
  void aWrongPasswordIsRefusedBeforeAnythingIsStored() {
    String tenantId = newTenant();
    String address = unique("wrong");
    infrastructure.mailServer().addUser(address, "the-right-one");

    admin()
        .post()
        .uri("/admin/tenants/{t}/mailboxes", tenantId)
        .bodyValue(connect(address, "not-the-right-one", mailPort("imap"), mailPort("smtp")))
        .exchange()
        .expectStatus()
        .isEqualTo(422)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo(MailboxLogins.REFUSED)
        .jsonPath("$.message")
        .value(m -> assertThat((String) m).contains("IMAP"));
    assertThat(gateway.bean(MailboxRepository.class).findByTenant(tenantId).collectList().block())
        .isEmpty();
  }

  @Test
  void anUnreachableServerIsA502NotARefusedLogin() throws Exception {
    String tenantId = newTenant();
    String address = unique("unreachable");
    infrastructure.mailServer().addUser(address, "pw");
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    admin()
        .post()
        .uri("/admin/tenants/{t}/mailboxes", tenantId)
        .bodyValue(connect(address, "pw", closed, mailPort("smtp")))
        .exchange()
        .expectStatus()
        .isEqualTo(502)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo(MailboxLogins.UNREACHABLE);
    assertThat(gateway.bean(MailboxRepository.class).findByTenant(tenantId).collectList().block())
        .isEmpty();
  }

  @Test
  void aServerThatNeverAnswersIsA504() throws Exception {
    String tenantId = newTenant();
    String address = unique("silent");
    infrastructure.mailServer().addUser(address, "pw");
    // Connections complete in the backlog but nothing is ever read or written.
    try (ServerSocket silent = new ServerSocket(0)) {
      admin()
          .post()
          .uri("/admin/tenants/{t}/mailboxes", tenantId)
          .bodyValue(connect(address, "pw", silent.getLocalPort(), mailPort("smtp")))
          .exchange()
          .expectStatus()
          .isEqualTo(504)
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo(MailboxLogins.UNREACHABLE);
    }
    assertThat(gateway.bean(MailboxRepository.class).findByTenant(tenantId).collectList().block())
        .isEmpty();
  }

  @Test
  void aPasswordChangeTheServersCannotCheckChangesNothing() throws Exception {
    String tenantId = newTenant();
    String address = unique("moved");
    String mailboxId = gateway.mailbox(tenantId, address, true, true, true);
    MailboxRepository mailboxes = gateway.bean(MailboxRepository.class);
    var before = mailboxes.findById(tenantId, mailboxId).block().secret();

    patch(tenantId, mailboxId, Map.of("password", ""))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("INVALID_REQUEST");

    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    pointImapAt(mailboxId, closed);
    patch(tenantId, mailboxId, Map.of("password", "a-new-one"))
        .expectStatus()
        .isEqualTo(502)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo(MailboxLogins.UNREACHABLE);

    try (ServerSocket silent = new ServerSocket(0)) {
      pointImapAt(mailboxId, silent.getLocalPort());
      patch(tenantId, mailboxId, Map.of("password", "a-new-one"))
          .expectStatus()
          .isEqualTo(504)
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo(MailboxLogins.UNREACHABLE);
    }
    assertThat(mailboxes.findById(tenantId, mailboxId).block().secret()).isEqualTo(before);
  }

  /** Moves a stored mailbox's IMAP server, as no admin route can. */
  private void pointImapAt(String mailboxId, int port) {
    gateway
        .bean(ReactiveMongoTemplate.class)
        .updateFirst(
            Query.query(Criteria.where("_id").is(mailboxId)),
            new org.springframework.data.mongodb.core.query.Update()
                .set("settings.imap.port", port),
            "mailboxes")
        .block();
  }

  @Test
  void aMailboxIsReadChangedAndItsNewPasswordEndsReauthRequired() {
    String tenantId = newTenant();
    String address = unique("patch");
    String mailboxId = gateway.mailbox(tenantId, address, true, true, true);
    admin()
        .get()
        .uri("/admin/tenants/{t}/mailboxes/{m}", tenantId, mailboxId)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.address")
        .isEqualTo(address)
        .jsonPath("$.status")
        .isEqualTo("active")
        .jsonPath("$.secret")
        .doesNotExist();

    // The server refused the old password: the worker marked the mailbox and its sync so.
    MailboxRepository mailboxes = gateway.bean(MailboxRepository.class);
    mailboxes.updateStatus(tenantId, mailboxId, MailboxStatus.REAUTH_REQUIRED).block();
    mailboxes
        .updateSync(
            tenantId,
            mailboxId,
            SyncState.never().failed("IMAP connect: authentication refused", Instant.now(), null))
        .block();
    infrastructure.mailServer().addUser(address, "the-new-password");

    patch(tenantId, mailboxId, Map.of("password", "still-wrong"))
        .expectStatus()
        .isEqualTo(422)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo(MailboxLogins.REFUSED);
    assertThat(mailboxes.findById(tenantId, mailboxId).block().status())
        .isEqualTo(MailboxStatus.REAUTH_REQUIRED);

    patch(
            tenantId,
            mailboxId,
            Map.of("password", "the-new-password", "displayName", "Support", "sendEnabled", false))
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("active")
        .jsonPath("$.displayName")
        .isEqualTo("Support")
        .jsonPath("$.sendEnabled")
        .isEqualTo(false)
        .jsonPath("$.readEnabled")
        .isEqualTo(true)
        .jsonPath("$.sync.state")
        .isEqualTo("never")
        .jsonPath("$.sync.failures")
        .isEqualTo(0);
    var stored = mailboxes.findById(tenantId, mailboxId).block();
    assertThat(stored.status()).isEqualTo(MailboxStatus.ACTIVE);
    assertThat(gateway.bean(dev.mailroom.store.crypto.CredentialCipher.class))
        .satisfies(
            cipher ->
                assertThat(cipher.decrypt(stored.secret(), tenantId, mailboxId))
                    .isEqualTo("the-new-password"));

    patch(tenantId, mailboxId, Map.of("oauth", Map.of("refreshToken", "x")))
        .expectStatus()
        .isEqualTo(422)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo(AdminController.OAUTH_RELINK_UNSUPPORTED);
    patch(tenantId, "mbx_nope", Map.of("displayName", "x")).expectStatus().isNotFound();
  }

  @Test
  void tokensAreListedWithoutTheirSecretAndRevokedByDelete() {
    String tenantId = newTenant();
    String secret = gateway.fullToken(tenantId);
    byte[] listed =
        admin()
            .get()
            .uri("/admin/tenants/{t}/tokens", tenantId)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    String body = new String(listed, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body).doesNotContain(secret).doesNotContain("tokenHash");
    String tokenId = tokenIds(tenantId).get(0);

    mailboxes(secret).expectStatus().isOk();
    admin()
        .delete()
        .uri("/admin/tenants/{t}/tokens/{id}", tenantId, tokenId)
        .exchange()
        .expectStatus()
        .isNoContent();
    mailboxes(secret).expectStatus().isUnauthorized();
    admin()
        .delete()
        .uri("/admin/tenants/{t}/tokens/{id}", tenantId, "tok_nope")
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  @Test
  void deletingAMailboxLeavesNothingOfItAndKeepsItsNeighbour() {
    Tenant tenant = gateway.tenant(unique("gone"), unique("kept"));
    String gone = tenant.mailboxIds().get(0);
    String kept = tenant.mailboxIds().get(1);
    String token = gateway.fullToken(tenant.id());
    StoredMessage goneMessage = data(tenant, 0, "gone");
    StoredMessage keptMessage = data(tenant, 1, "kept");
    String publicId = "imap:" + goneMessage.id();
    access(token, publicId).expectStatus().isOk();
    // A send through the Access API: a queued message, its body in S3, an idempotency record.
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + token)
        .header("Idempotency-Key", "send-" + UUID.randomUUID())
        .bodyValue(
            Map.of(
                "to",
                List.of(Map.of("email", "someone@example.com")),
                "subject",
                "before the delete",
                "body",
                "hello",
                "sendFrom",
                tenant.addresses().get(0)))
        .exchange()
        .expectStatus()
        .is2xxSuccessful();
    assertThat(count("messages", tenant.id(), gone)).isGreaterThanOrEqualTo(2);

    admin()
        .delete()
        .uri("/admin/tenants/{t}/mailboxes/{m}", tenant.id(), gone)
        .exchange()
        .expectStatus()
        .isNoContent();

    assertThat(count("mailboxes", tenant.id(), null, gone)).isZero();
    assertThat(count("messages", tenant.id(), gone)).isZero();
    assertThat(count("webhook_deliveries", tenant.id(), gone)).isZero();
    assertThat(keys(BlobKeys.mailboxPrefix(tenant.id(), gone))).isEmpty();
    assertThat(rateLimitKeys("mbx:" + gone + ":")).isZero();
    admin()
        .get()
        .uri("/admin/tenants/{t}/mailboxes/{m}", tenant.id(), gone)
        .exchange()
        .expectStatus()
        .isNotFound();
    v1(token, "/v1/mailboxes/" + gone).expectStatus().isNotFound();
    access(token, publicId).expectStatus().isNotFound();
    admin()
        .delete()
        .uri("/admin/tenants/{t}/mailboxes/{m}", tenant.id(), gone)
        .exchange()
        .expectStatus()
        .isNotFound();

    // The other mailbox of the tenant is untouched.
    access(token, "imap:" + keptMessage.id()).expectStatus().isOk();
    assertThat(keys(BlobKeys.mailboxPrefix(tenant.id(), kept))).isNotEmpty();
    v1(token, "/v1/mailboxes/" + kept).expectStatus().isOk();
  }

  @Test
  void deletingATenantLeavesNothingOfIt() {
    Tenant tenant = gateway.tenant(unique("tenant-gone"));
    Tenant neighbour = gateway.tenant(unique("neighbour"));
    String token = gateway.fullToken(tenant.id());
    data(tenant, 0, "t");
    data(neighbour, 0, "n");
    String webhookId =
        (String)
            ((Map<?, ?>)
                    gateway
                        .client()
                        .post()
                        .uri("/v1/webhooks")
                        .header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "hook-" + UUID.randomUUID())
                        .bodyValue(
                            Map.of(
                                "url",
                                "https://hooks.example.com/gone",
                                "eventTypes",
                                List.of("message.received")))
                        .exchange()
                        .expectStatus()
                        .isCreated()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("webhook"))
                .get("id");
    gateway
        .bean(WebhookDeliveryRepository.class)
        .insertIfAbsent(
            WebhookDelivery.pending(
                tenant.id(),
                webhookId,
                "msg_" + UUID.randomUUID(),
                "message.received",
                null,
                "{}",
                Instant.now(),
                null))
        .block();
    v1(token, "/v1/mailboxes").expectStatus().isOk(); // a rate-limit window of the token
    gateway
        .adminPost(
            "/admin/tenants/" + tenant.id() + "/domains",
            Map.of("domain", "gone-" + UUID.randomUUID().toString().substring(0, 8) + ".example"))
        .expectStatus()
        .isCreated();
    gateway
        .bean(SuppressionRepository.class)
        .add(
            Suppression.of(
                tenant.id(), "bounced@example.com", "Hard bounce", "msg_1", Instant.now()))
        .block();
    for (String collection : TENANT_COLLECTIONS) {
      if (!collection.equals("outbox")) {
        assertThat(count(collection, tenant.id(), null)).as(collection).isPositive();
      }
    }
    assertThat(keys(BlobKeys.tenantPrefix(tenant.id()))).isNotEmpty();

    admin().delete().uri("/admin/tenants/{t}", tenant.id()).exchange().expectStatus().isNoContent();

    for (String collection : TENANT_COLLECTIONS) {
      assertThat(count(collection, tenant.id(), null)).as(collection).isZero();
    }
    assertThat(keys(BlobKeys.tenantPrefix(tenant.id()))).isEmpty();
    assertThat(
            gateway
                .bean(ReactiveMongoTemplate.class)
                .count(
                    Query.query(Criteria.where("_id").is("mailbox-connection:" + tenant.id())),
                    "counters")
                .block())
        .isZero();
    admin().get().uri("/admin/tenants/{t}", tenant.id()).exchange().expectStatus().isNotFound();
    mailboxes(token).expectStatus().isUnauthorized();
    admin().delete().uri("/admin/tenants/{t}", tenant.id()).exchange().expectStatus().isNotFound();

    // Another tenant's data is untouched.
    assertThat(count("messages", neighbour.id(), null)).isPositive();
    assertThat(keys(BlobKeys.tenantPrefix(neighbour.id()))).isNotEmpty();
  }

  private StoredMessage data(Tenant tenant, int mailbox, String tag) {
    String id = "msg_" + tag + UUID.randomUUID().toString().replace("-", "");
    StoredMessage message =
        gateway.inbound(
            tenant,
            mailbox,
            id,
            "thr_" + id,
            "Subject " + tag,
            "sender@example.com",
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
            "INBOX");
    gateway
        .bean(WebhookDeliveryRepository.class)
        .insertIfAbsent(
            WebhookDelivery.pending(
                tenant.id(),
                "whe_none",
                "msg_" + UUID.randomUUID(),
                "message.received",
                tenant.mailboxIds().get(mailbox),
                "{}",
                Instant.now(),
                null))
        .block();
    // A send rate-limit window of the mailbox.
    gateway
        .bean(dev.mailroom.store.ratelimit.SlidingWindowRateLimiter.class)
        .tryAcquire(
            "mbx:" + tenant.mailboxIds().get(mailbox) + ":sends:1h",
            10,
            java.time.Duration.ofHours(1),
            Instant.now())
        .block();
    return message;
  }

  private long count(String collection, String tenantId, String mailboxId) {
    return count(collection, tenantId, mailboxId, null);
  }

  private long count(String collection, String tenantId, String mailboxId, String id) {
    Criteria criteria = Criteria.where("tenantId").is(tenantId);
    if (mailboxId != null) {
      criteria = criteria.and("mailboxId").is(mailboxId);
    }
    if (id != null) {
      criteria = criteria.and("_id").is(id);
    }
    return gateway
        .bean(ReactiveMongoTemplate.class)
        .count(Query.query(criteria), Document.class, collection)
        .block();
  }

  private long rateLimitKeys(String prefix) {
    return gateway
        .bean(ReactiveMongoTemplate.class)
        .count(
            Query.query(Criteria.where("_id").regex("^" + java.util.regex.Pattern.quote(prefix))),
            "rate_limits")
        .block();
  }

  private List<String> keys(String prefix) {
    return gateway.bean(BlobStore.class).keys(prefix).block();
  }

  private List<String> tokenIds(String tenantId) {
    return gateway
        .bean(dev.mailroom.store.token.ApiTokenRepository.class)
        .findByTenant(tenantId)
        .map(t -> t.id())
        .collectList()
        .block();
  }

  private String newTenant() {
    return GatewayFixture.created(
        gateway.adminPost("/admin/tenants", Map.of("name", "journey")), "id");
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID() + "@example.com";
  }

  private int mailPort(String protocol) {
    var mail = infrastructure.endpoints().mail();
    return protocol.equals("imap") ? mail.imapPort() : mail.smtpPort();
  }

  private Map<String, Object> connect(String address, String password, int imapPort, int smtpPort) {
    String host = infrastructure.endpoints().mail().host();
    Map<String, Object> body = new HashMap<>();
    body.put("provider", "imap");
    body.put("address", address);
    body.put("imap", Map.of("host", host, "port", imapPort, "security", "none"));
    body.put("smtp", Map.of("host", host, "port", smtpPort, "security", "none"));
    body.put("password", password);
    return body;
  }

  private WebTestClient.ResponseSpec patch(String tenantId, String mailboxId, Object body) {
    return admin()
        .patch()
        .uri("/admin/tenants/{t}/mailboxes/{m}", tenantId, mailboxId)
        .bodyValue(body)
        .exchange();
  }

  private WebTestClient.ResponseSpec mailboxes(String token) {
    return v1(token, "/v1/mailboxes");
  }

  private WebTestClient.ResponseSpec v1(String token, String path) {
    return gateway.client().get().uri(path).header("Authorization", "Bearer " + token).exchange();
  }

  private WebTestClient.ResponseSpec access(String token, String publicId) {
    return v1(token, "/api/access/email/messages/" + publicId);
  }

  private WebTestClient admin() {
    return gateway
        .client()
        .mutate()
        .defaultHeader("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
        .build();
  }
}
