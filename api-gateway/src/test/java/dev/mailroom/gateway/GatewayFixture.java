package dev.mailroom.gateway;

import dev.mailroom.gateway.openapi.AnsweredStatuses;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.sns.SnsTestSigner;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.runtime.config.MailroomServices;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.SearchTokens;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.message.SubjectKey;
import dev.mailroom.store.token.TokenPermissions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One real gateway per test JVM on the shared test infrastructure, and helpers that set up tenants,
 * mailboxes and tokens through the admin API and messages through the store (mail normally arrives
 * by sync).
 */
public final class GatewayFixture {
  public static final String ADMIN_KEY = "gateway-test-admin-key-0123456789";

  /** Low enough for a test to reach, high enough for tests that poll a mailbox's progress. */
  public static final int V1_PER_MINUTE = 150;

  /** Above one token's {@link #V1_PER_MINUTE}, so a test shows that tokens share it. */
  public static final int TENANT_WRITES_PER_MINUTE = 200;

  private static GatewayFixture shared;

  /** The SNS topic the gateway takes SES notifications from, signed by {@link #sns()}. */
  public static final String SES_TOPIC = "arn:aws:sns:us-east-1:123456789012:mailroom-ses";

  private final SnsTestSigner sns = new SnsTestSigner();

  private final ConfigurableApplicationContext context;
  private final TestInfrastructure infrastructure;
  private final String url;

  private GatewayFixture(TestInfrastructure infrastructure) {
    this.infrastructure = infrastructure;
    List<String> args = new ArrayList<>();
    infrastructure.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add("--spring.main.banner-mode=off");
    args.add(
        "--mailroom.security.credential-key=" + Base64.getEncoder().encodeToString(new byte[32]));
    args.add("--mailroom.gateway.admin-key=" + ADMIN_KEY);
    // The test mail server is on loopback, which the admin API refuses unless allow-listed.
    args.add(
        "--mailroom.gateway.mail-server-allowed-hosts=" + infrastructure.endpoints().mail().host());
    // No send worker runs in these tests: answer sends at once with the queued message.
    args.add("--mailroom.gateway.send-wait=0s");
    // A test's mail server that never answers is a 504 after this, not after the default 10 s.
    args.add("--mailroom.gateway.mail-login-timeout=4s");
    args.add("--mailroom.kafka.partitions=2");
    // Low enough that a test can reach it.
    args.add("--mailroom.gateway.rate-limits.sends-per-mailbox-per-hour=25");
    // Below the mailbox's, so that a test reaches the organization's limit first.
    args.add("--mailroom.gateway.rate-limits.inbox-sends-per-organization-per-hour=20");
    args.add("--mailroom.gateway.rate-limits.v1-per-minute=" + V1_PER_MINUTE);
    args.add("--mailroom.gateway.rate-limits.tenant-writes-per-minute=" + TENANT_WRITES_PER_MINUTE);
    // SES notifications signed by the test's own CA, served from the test's certificate server.
    args.add("--mailroom.hosted.ses.notifications.topic-arns=" + SES_TOPIC);
    args.add(
        "--mailroom.hosted.ses.notifications.signing-cert-url-pattern=" + sns.certUrlPattern());
    args.add("--mailroom.hosted.ses.notifications.trusted-certificates=" + sns.rootPemFile());
    this.context =
        MailroomServices.builder(GatewayApplication.class, GatewayApplication.SERVICE_NAME)
            // Records every answered status for StatusCoverageTest.
            .sources(AnsweredStatuses.Recording.class)
            .run(args.toArray(String[]::new));
    this.url =
        "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    // Normally created in the background at start-up; tests write to S3 straight away.
    context.getBean(BlobStore.class).ensureBucket().block();
  }

  public static synchronized GatewayFixture shared(TestInfrastructure infrastructure) {
    if (shared == null) {
      shared = new GatewayFixture(infrastructure);
      Runtime.getRuntime().addShutdownHook(new Thread(shared.context::close));
    }
    return shared;
  }

  /** Signs SES notifications as SNS does, with certificates the gateway trusts. */
  public SnsTestSigner sns() {
    return sns;
  }

  public TestInfrastructure infrastructure() {
    return infrastructure;
  }

  public WebTestClient client() {
    return WebTestClient.bindToServer()
        .baseUrl(url)
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  public <T> Map<String, T> beans(Class<T> type) {
    return context.getBeansOfType(type);
  }

  /** Host and port of the gateway, for requests no HTTP client library would send as written. */
  public java.net.InetSocketAddress address() {
    return new java.net.InetSocketAddress(
        "127.0.0.1", ((WebServerApplicationContext) context).getWebServer().getPort());
  }

  /** A tenant with one IMAP mailbox per address; ids in creation order. */
  public Tenant tenant(String... addresses) {
    String tenantId =
        created(adminPost("/admin/tenants", Map.of("name", "t-" + UUID.randomUUID())), "id");
    List<String> mailboxIds = new ArrayList<>();
    for (int i = 0; i < addresses.length; i++) {
      mailboxIds.add(mailbox(tenantId, addresses[i], i == 0, true, true));
    }
    return new Tenant(tenantId, mailboxIds, List.of(addresses));
  }

  /**
   * The password of every mailbox the fixture connects: the admin API logs in before it answers
   * 201, so each address is a user of the test mail server with this password.
   */
  public static final String MAIL_PASSWORD = "fixture-mail-password";

  public String mailbox(
      String tenantId, String address, boolean isDefault, boolean read, boolean send) {
    var endpoint = infrastructure.endpoints().mail();
    infrastructure.mailServer().addUser(address, MAIL_PASSWORD);
    return created(
        adminPost(
            "/admin/tenants/" + tenantId + "/mailboxes",
            Map.of(
                "provider",
                "imap",
                "address",
                address,
                "defaultMailbox",
                isDefault,
                "readEnabled",
                read,
                "sendEnabled",
                send,
                "imap",
                Map.of("host", endpoint.host(), "port", endpoint.imapPort(), "security", "none"),
                "smtp",
                Map.of("host", endpoint.host(), "port", endpoint.smtpPort(), "security", "none"),
                "password",
                MAIL_PASSWORD)),
        "id");
  }

  /** A mailbox Mailroom hosts: its id and address. */
  public record Hosted(String id, String address) {}

  /** A hosted mailbox of the tenant, on a new domain the tenant hosts for it. */
  public Hosted hostedMailbox(String tenantId, String localPart) {
    String domain = "d-" + UUID.randomUUID().toString().substring(0, 8) + ".example.net";
    adminPost("/admin/tenants/" + tenantId + "/domains", Map.of("domain", domain))
        .expectStatus()
        .isCreated();
    String address = localPart + "@" + domain;
    String id =
        created(
            adminPost(
                "/admin/tenants/" + tenantId + "/mailboxes",
                Map.of("provider", "hosted", "address", address)),
            "id");
    return new Hosted(id, address);
  }

  /** A token of the tenant with these permissions (see the admin API). */
  public String token(String tenantId, Map<String, Object> permissions) {
    return created(
        adminPost(
            "/admin/tenants/" + tenantId + "/tokens",
            Map.of("name", "test", "permissions", permissions)),
        "token");
  }

  /** A POST to the admin API with the admin key, as an operator sends it. */
  public WebTestClient.ResponseSpec adminPost(String path, Object body) {
    return client()
        .post()
        .uri(path)
        .header("Authorization", "Bearer " + ADMIN_KEY)
        .bodyValue(body)
        .exchange();
  }

  /** The field {@code field} of what a 201 answer created, failing on any other status. */
  public static String created(WebTestClient.ResponseSpec response, String field) {
    return (String)
        response
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody()
            .get(field);
  }

  public String fullToken(String tenantId) {
    return token(
        tenantId,
        Map.of(
            "emailAccessEnabled",
            true,
            "allowedEmailOperations",
            TokenPermissions.EMAIL_OPERATIONS));
  }

  /** An inbound message as sync would store it, with an HTML body in S3. */
  public StoredMessage inbound(
      Tenant tenant,
      int mailbox,
      String id,
      String thread,
      String subject,
      String from,
      Instant receivedAt,
      String... labels) {
    String html = "<p>" + subject + " body</p>";
    String htmlKey = BlobKeys.htmlBody(tenant.id(), tenant.mailboxIds().get(mailbox), id);
    bean(BlobStore.class).put(htmlKey, html.getBytes(StandardCharsets.UTF_8), "text/html").block();
    return bean(MessageRepository.class)
        .insert(record(tenant, mailbox, id, thread, subject, from, receivedAt, htmlKey, labels))
        .block();
  }

  /** Many messages at once, in INBOX, without bodies: for what only lists and counts them. */
  public void inboundMany(
      Tenant tenant, int mailbox, int count, IntFunction<String> subject, Instant firstAt) {
    List<StoredMessage> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "msg_" + tenant.id() + "_" + i;
      batch.add(
          record(
              tenant,
              mailbox,
              id,
              "thr_" + id,
              subject.apply(i),
              "many@example.com",
              firstAt.plusSeconds(i),
              null,
              "INBOX"));
    }
    bean(MessageRepository.class).insertNew(batch).block();
  }

  private static StoredMessage record(
      Tenant tenant,
      int mailbox,
      String id,
      String thread,
      String subject,
      String from,
      Instant receivedAt,
      String htmlKey,
      String... labels) {
    String tenantId = tenant.id();
    String mailboxId = tenant.mailboxIds().get(mailbox);
    Participant to = Participant.of(tenant.addresses().get(mailbox));
    return new StoredMessage(
        id,
        tenantId,
        mailboxId,
        ProviderKind.IMAP,
        "INBOX:1:" + id,
        thread,
        id + "@example.com",
        null,
        List.of(),
        subject,
        SubjectKey.of(subject),
        new Participant(from, "Sender " + from),
        List.of(to),
        List.of(Participant.of("cc@example.com")),
        List.of(),
        from.toLowerCase(Locale.ROOT),
        List.of(to.email()),
        List.of(from, to.email(), "cc@example.com"),
        subject + " body",
        null,
        htmlKey,
        null,
        receivedAt.minusSeconds(2),
        receivedAt,
        false,
        new ArrayList<>(List.of(labels)),
        Importance.NORMAL,
        false,
        List.<Attachment>of(),
        Direction.INBOUND,
        MessageStatus.RECEIVED,
        null,
        SearchTokens.of(subject, from, subject + " body"),
        receivedAt,
        receivedAt,
        null,
        null);
  }

  public record Tenant(String id, List<String> mailboxIds, List<String> addresses) {}
}
