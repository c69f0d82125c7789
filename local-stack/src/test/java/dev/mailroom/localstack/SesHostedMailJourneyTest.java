package dev.mailroom.localstack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.infra.ses.SesEmulator;
import dev.mailroom.infra.sns.SnsTestSigner;
import dev.mailroom.localstack.LocalStack.Service;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.event.MessageComplained;
import dev.mailroom.model.event.MessageDelivered;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageRejected;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.message.MessageRepository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;

/**
 * A shop's hosted mailbox on a deployment that sends and receives through SES: its mail leaves
 * through the SES v2 API (the aws-ses-v2-local emulator), and what SES later reports about it comes
 * back as SNS notifications, signed as SNS signs them, that move each message's status and are
 * announced. A customer's answer arrives through an SES receipt rule into S3 and joins the thread.
 */
@EnabledIf("dev.mailroom.infra.ses.SesEmulator#available")
class SesHostedMailJourneyTest {
  private static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events";
  private static final Duration WAIT = HostedApi.WAIT;
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();

  private static SesEmulator ses;
  private static SnsTestSigner sns;
  private static LocalStack stack;
  private static AdminClient http;
  private static HostedApi api;
  private static final HttpClient SNS_DELIVERY = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    ses = SesEmulator.start();
    sns = new SnsTestSigner();
    stack =
        LocalStack.startReady(
            TestInfrastructure.ephemeralOptions(),
            ADMIN_KEY,
            Map.ofEntries(
                Map.entry("spring.cloud.stream.default.consumer.back-off-initial-interval", "100"),
                Map.entry("mailroom.sync.poll-interval", "0s"),
                Map.entry("mailroom.gateway.rate-limits.v1-per-minute", "0"),
                Map.entry("mailroom.gateway.rate-limits.v1-per-hour", "0"),
                Map.entry("mailroom.hosted.ses.enabled", "true"),
                Map.entry("mailroom.hosted.ses.endpoint", ses.endpoint().toString()),
                Map.entry("mailroom.hosted.ses.access-key-id", "test"),
                Map.entry("mailroom.hosted.ses.secret-access-key", "test"),
                Map.entry("mailroom.hosted.ses.configuration-set", "mailroom"),
                Map.entry("mailroom.hosted.ses.notifications.topic-arns", TOPIC),
                Map.entry(
                    "mailroom.hosted.ses.notifications.signing-cert-url-pattern",
                    sns.certUrlPattern()),
                Map.entry(
                    "mailroom.hosted.ses.notifications.trusted-certificates", sns.rootPemFile())));
    http = new AdminClient(stack.url(Service.API_GATEWAY));
    api = new HostedApi(http, ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (sns != null) {
      sns.close();
    }
    if (ses != null) {
      ses.close();
    }
  }

  @Test
  void whatSesReportsBecomesEachMessagesStatusAndTheCustomersAnswerJoinsTheThread()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String domain = "store-" + run + ".example";
    String orders = "orders@" + domain;
    HostedApi.HostedTenant shop = api.hostedTenant("Store " + run, domain, orders, "Orders");
    String inbox = shop.mailboxId();
    String token = api.token(shop.tenantId(), inbox);
    String customer = "fay-" + run + "@example.org";

    try (TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS)) {
      // SNS's first message to a new subscription is confirmed by the gateway.
      deliver(sns.subscriptionConfirmation(TOPIC).bytes(), 200);
      assertThat(sns.confirmedTokens()).isNotEmpty();

      // The order confirmation leaves through SES; SES's message id becomes its external id.
      JsonNode confirmation = send(token, inbox, customer, "Order 77 confirmed");
      String confirmationId = confirmation.get("id").asString();
      String sesId =
          api.awaitStatus(token, inbox, confirmationId, "sent").get("external_id").asString();
      assertThat(ses.storedMessageIds()).contains(sesId);
      assertThat(ses.store()).contains("Order 77 confirmed");

      // Monday: SES reports the delivery.
      deliver(notification(delivery(sesId, orders, customer)), 200);
      api.awaitStatus(token, inbox, confirmationId, "delivered");
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageDelivered d
                  && d.messageId().equals(confirmationId)
                  && d.recipients().equals(List.of(customer)),
          WAIT);

      // A notification that was altered on its way is refused and changes nothing.
      String alteredBounce = bounce(sesId, orders, customer);
      deliver(
          sns.notification(TOPIC, null, delivery(sesId, orders, customer))
              .tamper("Message", alteredBounce)
              .bytes(),
          403);

      // Tuesday: her answer arrives through SES's receipt rule, which wrote it to S3.
      String confirmationMessageId =
          stack
              .services()
              .get(Service.API_GATEWAY)
              .getBean(MessageRepository.class)
              .findById(shop.tenantId(), confirmationId)
              .block()
              .rfcMessageId();
      BlobStore bucket = stack.services().get(Service.API_GATEWAY).getBean(BlobStore.class);
      String objectKey = "ses-inbound/" + run;
      bucket
          .put(
              objectKey,
              answer(customer, orders, confirmationMessageId).getBytes(UTF_8),
              "message/rfc822")
          .block();
      deliver(notification(received(run, customer, orders, bucket.bucket(), objectKey)), 200);
      JsonNode answer = api.awaitListed(token, inbox, "gift");
      assertThat(answer.get("thread_id").asString())
          .isEqualTo(confirmation.get("thread_id").asString());
      assertThat(answer.get("from").asString()).isEqualTo(customer);
      assertThat(answer.get("direction").asString()).isEqualTo("inbound");
      assertThat(answer.get("status").asString()).isEqualTo("received");
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageReceived m
                  && m.message().mailboxId().equals(inbox),
          WAIT);
      assertThat(bucket.exists(objectKey).block()).isFalse();

      // Wednesday: she marks the shipping notice as spam; she is not mailed again.
      JsonNode shipping = send(token, inbox, customer, "Order 77 shipped");
      String shippingId = shipping.get("id").asString();
      String shippingSesId =
          api.awaitStatus(token, inbox, shippingId, "sent").get("external_id").asString();
      deliver(notification(delivery(shippingSesId, orders, customer)), 200);
      api.awaitStatus(token, inbox, shippingId, "delivered");
      deliver(notification(complaint(shippingSesId, orders, customer)), 200);
      api.awaitStatus(token, inbox, shippingId, "complained");
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageComplained c
                  && c.messageId().equals(shippingId),
          WAIT);
      // The delivery report SNS delivers again does not undo the complaint.
      deliver(notification(delivery(shippingSesId, orders, customer)), 200);
      http.expect(
          400,
          "POST",
          "/inboxes/" + inbox + "/messages/send",
          token,
          Map.of("to", List.of(customer), "subject", "We miss you", "text", "Come back."));

      // A mistyped address bounces for good and is suppressed too.
      String typo = "fay-" + run + "@exmaple.org";
      JsonNode toTypo = send(token, inbox, typo, "Your receipt");
      String typoId = toTypo.get("id").asString();
      String typoSesId =
          api.awaitStatus(token, inbox, typoId, "sent").get("external_id").asString();
      byte[] hardBounce = notification(bounce(typoSesId, orders, typo));
      deliver(hardBounce, 200);
      api.awaitStatus(token, inbox, typoId, "bounced");
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageBounced b
                  && b.messageId().equals(typoId)
                  && b.bounceType().equals("hard"),
          WAIT);
      // SNS retrying the same bounce records nothing new.
      deliver(hardBounce, 200);
      http.expect(
          400,
          "POST",
          "/inboxes/" + inbox + "/messages/send",
          token,
          Map.of("to", List.of(typo), "subject", "Receipt again", "text", "Here."));

      // SES takes a message and then refuses it (its virus scan): it never left. Its report names
      // it by an id Mailroom has not recorded (it overtook that write), and by its Message-ID.
      JsonNode invoice = send(token, inbox, "gus-" + run + "@example.org", "Invoice 12");
      String invoiceId = invoice.get("id").asString();
      String invoiceMessageId =
          api.awaitStatus(token, inbox, invoiceId, "sent").get("message_id").asString();
      deliver(notification(reject("not-recorded-yet-" + run, invoiceMessageId, orders)), 200);
      api.awaitStatus(token, inbox, invoiceId, "rejected");
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageRejected x
                  && x.messageId().equals(invoiceId),
          WAIT);
      // Seed 003 has no rejected status: the send failed.
      assertThat(
              http.expect(
                      200,
                      "GET",
                      "/mailboxes/" + orders + "/messages/" + HostedApi.uuidOf(invoiceId),
                      token,
                      null)
                  .get("status")
                  .asString())
          .isEqualTo("failed");
    }
  }

  private static JsonNode send(String token, String inbox, String to, String subject) {
    return http.expect(
        200,
        "POST",
        "/inboxes/" + inbox + "/messages/send",
        token,
        Map.of("to", List.of(to), "subject", subject, "text", subject + ". Thank you!"));
  }

  private static byte[] notification(String message) {
    return sns.notification(TOPIC, null, message).bytes();
  }

  private static void deliver(byte[] body, int expected) throws Exception {
    HttpResponse<String> response =
        SNS_DELIVERY.send(
            HttpRequest.newBuilder(
                    URI.create(stack.url(Service.API_GATEWAY) + "/providers/ses/notifications"))
                .header("Content-Type", "text/plain; charset=UTF-8")
                .header("x-amz-sns-message-type", "Notification")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
  }

  private static String mail(String sesId, String source, String destination) {
    return """
        "mail":{"timestamp":"2026-12-03T10:00:00.000Z","source":"%s","messageId":"%s",
          "destination":["%s"]}"""
        .formatted(source, sesId, destination);
  }

  private static String delivery(String sesId, String source, String recipient) {
    return """
        {"notificationType":"Delivery",%s,
         "delivery":{"timestamp":"2026-12-03T10:00:02.000Z","recipients":["%s"],
           "smtpResponse":"250 2.0.0 OK"}}"""
        .formatted(mail(sesId, source, recipient), recipient);
  }

  private static String bounce(String sesId, String source, String recipient) {
    return """
        {"notificationType":"Bounce",%s,
         "bounce":{"bounceType":"Permanent","bounceSubType":"NoEmail",
           "bouncedRecipients":[{"emailAddress":"%s","status":"5.1.1",
             "diagnosticCode":"smtp; 550 5.1.1 no such user"}],
           "timestamp":"2026-12-03T10:00:03.000Z"}}"""
        .formatted(mail(sesId, source, recipient), recipient);
  }

  private static String complaint(String sesId, String source, String recipient) {
    return """
        {"notificationType":"Complaint",%s,
         "complaint":{"complainedRecipients":[{"emailAddress":"%s"}],
           "complaintFeedbackType":"abuse","timestamp":"2026-12-03T10:05:00.000Z"}}"""
        .formatted(mail(sesId, source, recipient), recipient);
  }

  private static String reject(String sesId, String rfcMessageId, String source) {
    return """
        {"eventType":"Reject",%s,"reject":{"reason":"Bad content"}}"""
        .formatted(
            mail(sesId, source, "gus@example.org")
                .replace(
                    "\"destination\"",
                    "\"commonHeaders\":{\"messageId\":\"<"
                        + rfcMessageId
                        + ">\"},\"destination\""));
  }

  private static String received(
      String run, String from, String to, String bucketName, String objectKey) {
    return """
        {"notificationType":"Received",
         "receipt":{"timestamp":"2026-12-04T09:00:00.000Z","recipients":["%s"],
           "action":{"type":"S3","bucketName":"%s","objectKey":"%s"}},
         %s}"""
        .formatted(to, bucketName, objectKey, mail("inbound-" + run, from, to));
  }

  private static String answer(String from, String to, String inReplyTo) {
    return String.join(
        "\r\n",
        "From: Fay <" + from + ">",
        "To: " + to,
        "Subject: Re: Order 77 confirmed",
        "Date: Fri, 04 Dec 2026 09:00:00 +0000",
        "Message-ID: <answer-" + UUID.randomUUID() + "@example.org>",
        "In-Reply-To: <" + inReplyTo + ">",
        "References: <" + inReplyTo + ">",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Could you wrap it as a gift?",
        "");
  }
}
