package dev.mailroom.gateway.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.sns.SnsTestSigner;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.outbox.OutboxRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * SES's notifications as SNS delivers them to the gateway, signed by a certificate chain the test
 * makes: what checks out becomes a command in the outbox before the answer, and nothing else does.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SesNotificationsTest {
  private static final String PATH = "/providers/ses/notifications";

  private GatewayFixture gateway;
  private WebTestClient client;
  private SnsTestSigner sns;
  private GatewayFixture.Hosted support;
  private String tenantId;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    client = gateway.client();
    sns = gateway.sns();
    tenantId = gateway.tenant().id();
    support = gateway.hostedMailbox(tenantId, "support");
  }

  @Test
  void aSubscriptionIsConfirmedByVisitingItsUrl() {
    post(sns.subscriptionConfirmation(GatewayFixture.SES_TOPIC).bytes())
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("SubscriptionConfirmation");
    assertThat(sns.confirmedTokens()).isNotEmpty();
  }

  @Test
  void aBounceBecomesOneCommandForTheSendingMailboxAndADeliveryAgainAddsNone() {
    String sesId = "0100018c-" + UUID.randomUUID() + "-000000";
    byte[] bounce =
        sns.notification(GatewayFixture.SES_TOPIC, null, bounce(sesId, support.address()))
            .messageId(UUID.randomUUID().toString())
            .bytes();

    post(bounce).expectStatus().isOk().expectBody().jsonPath("$.recorded").isEqualTo(1);
    assertThat(commandsNaming(sesId)).hasSize(1);
    assertThat(commandsNaming(sesId).get(0).payload())
        .contains("mailroom.command.record_delivery_outcome.v1")
        .contains("\"outcome\":\"BOUNCED\"")
        .contains("\"permanent\":true")
        .contains(support.id());

    // SNS delivers again when it missed the answer; a replay within the window is the same.
    post(bounce).expectStatus().isOk();
    assertThat(commandsNaming(sesId)).hasSize(1);
  }

  @Test
  void aReportAboutMailNotSentFromAHostedMailboxIsAnsweredAndIgnored() {
    String sesId = "0100018c-" + UUID.randomUUID() + "-000000";
    post(sns.notification(GatewayFixture.SES_TOPIC, null, bounce(sesId, "someone@elsewhere.org"))
            .bytes())
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.recorded")
        .isEqualTo(0)
        .jsonPath("$.ignored")
        .value(ignored -> assertThat((String) ignored).contains("someone@elsewhere.org"));
    assertThat(commandsNaming(sesId)).isEmpty();
  }

  @Test
  void forgedAlteredStaleAndForeignNotificationsAreRefusedAndRecordNothing() {
    String sesId = "0100018c-" + UUID.randomUUID() + "-000000";
    String message = bounce(sesId, support.address());
    List<byte[]> refused =
        List.of(
            // Changed after SNS signed it: the bounce now names another message.
            sns.notification(GatewayFixture.SES_TOPIC, null, message)
                .tamper("Message", message.replace(sesId, sesId + "-x"))
                .bytes(),
            // Signed by a CA with the right name that the gateway does not trust.
            sns.notification(GatewayFixture.SES_TOPIC, null, message)
                .signedBy(sns.impostor())
                .bytes(),
            // Genuine, and captured two hours ago: a replay.
            sns.notification(GatewayFixture.SES_TOPIC, null, message)
                .timestamp(Instant.now().minus(Duration.ofHours(2)))
                .bytes(),
            // Genuinely signed by SNS, for a topic that is not Mailroom's.
            sns.notification("arn:aws:sns:us-east-1:999999999999:someone-else", null, message)
                .bytes(),
            // A certificate from a host that is not SNS's.
            sns.notification(GatewayFixture.SES_TOPIC, null, message)
                .signingCertUrl("https://evil.example.com/SimpleNotificationService-x.pem")
                .bytes());
    for (byte[] body : refused) {
      post(body)
          .expectStatus()
          .isForbidden()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("FORBIDDEN");
    }
    assertThat(commandsNaming(sesId)).isEmpty();
  }

  @Test
  void somethingThatIsNotAnSnsMessageIsABadRequest() {
    post("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("INVALID_REQUEST");
  }

  @Test
  void mailSesReceivedIntoS3IsCopiedForEachHostedRecipientAndItsObjectRemoved() {
    BlobStore blobs = gateway.bean(BlobStore.class);
    String sesKey = "ses-inbound/" + UUID.randomUUID();
    blobs
        .put(
            sesKey,
            "From: carol@example.org\r\nSubject: Hi\r\n\r\nHello\r\n"
                .getBytes(StandardCharsets.US_ASCII),
            "message/rfc822")
        .block();
    String sesId = "inbound-" + UUID.randomUUID();
    String received =
        """
        {"notificationType":"Received",
         "receipt":{"timestamp":"2026-12-03T12:00:00.100Z",
           "recipients":["%s","nobody@elsewhere.org"],
           "action":{"type":"S3","bucketName":"%s","objectKey":"%s"}},
         "mail":{"timestamp":"2026-12-03T12:00:00.000Z","source":"carol@example.org",
           "messageId":"%s","destination":["%s","nobody@elsewhere.org"]}}
        """
            .formatted(support.address(), blobs.bucket(), sesKey, sesId, support.address());

    post(sns.notification(GatewayFixture.SES_TOPIC, null, received).bytes())
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.recorded")
        .isEqualTo(1);

    List<OutboxRecord> stored = commandsNaming(support.id() + "/inbound/");
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).payload())
        .contains("mailroom.command.receive_message.v1")
        .contains("carol@example.org");
    assertThat(blobs.exists(sesKey).block()).isFalse();
  }

  @Test
  void aReceiptNamingAnObjectOutsideTheReceiptPrefixIsRefusedAndTheObjectKept() {
    BlobStore blobs = gateway.bean(BlobStore.class);
    String otherTenantsMail = "tenants/ten_other/mailboxes/mbx_other/raw/" + UUID.randomUUID();
    blobs.put(otherTenantsMail, "secret".getBytes(StandardCharsets.US_ASCII), "text/plain").block();
    String received =
        """
        {"notificationType":"Received",
         "receipt":{"timestamp":"2026-12-03T12:00:00.100Z","recipients":["%s"],
           "action":{"type":"S3","bucketName":"%s","objectKey":"%s"}},
         "mail":{"timestamp":"2026-12-03T12:00:00.000Z","source":"eve@example.org",
           "messageId":"steal-%s","destination":["%s"]}}
        """
            .formatted(
                support.address(),
                blobs.bucket(),
                otherTenantsMail,
                UUID.randomUUID(),
                support.address());

    post(sns.notification(GatewayFixture.SES_TOPIC, null, received).bytes())
        .expectStatus()
        .isBadRequest();
    assertThat(blobs.exists(otherTenantsMail).block()).isTrue();
  }

  private WebTestClient.ResponseSpec post(byte[] body) {
    return client.post().uri(PATH).contentType(MediaType.TEXT_PLAIN).bodyValue(body).exchange();
  }

  private List<OutboxRecord> commandsNaming(String text) {
    return gateway
        .bean(ReactiveMongoTemplate.class)
        .find(
            Query.query(
                Criteria.where("tenantId")
                    .is(tenantId)
                    .and("payload")
                    .regex(java.util.regex.Pattern.quote(text))),
            OutboxRecord.class)
        .collectList()
        .block();
  }

  private static String bounce(String sesId, String source) {
    return """
        {"notificationType":"Bounce",
         "bounce":{"bounceType":"Permanent","bounceSubType":"General",
           "bouncedRecipients":[{"emailAddress":"nobody@example.org","status":"5.1.1",
             "diagnosticCode":"smtp; 550 5.1.1 user unknown"}],
           "timestamp":"2026-12-03T10:15:30.237Z"},
         "mail":{"timestamp":"2026-12-03T10:15:29.000Z","source":"%s",
           "messageId":"%s","destination":["nobody@example.org"]}}
        """
        .formatted(source, sesId);
  }
}
