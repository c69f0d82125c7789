package dev.mailroom.localstack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.localstack.LocalStack.Service;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import dev.mailroom.sync.receiver.HostedSmtpReceiver;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A support conversation on a hosted mailbox, through the whole suite: a customer's mail server
 * hands her question to Mailroom's SMTP receiver, the support agent finds it through the Email
 * Access API and replies, the reply goes out through the relay and reaches her mailbox with its
 * threading headers, and her answer two days later comes back into the same thread.
 */
class HostedMailboxJourneyTest {
  private static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();

  private static LocalStack stack;
  private static AdminClient http;
  private static HostedApi api;
  private static int receiverPort;

  @BeforeAll
  static void start() {
    stack =
        LocalStack.startReady(
            TestInfrastructure.ephemeralOptions(),
            ADMIN_KEY,
            Map.of(
                "spring.cloud.stream.default.consumer.back-off-initial-interval",
                "100",
                "mailroom.sync.poll-interval",
                "0s",
                // The journey polls the API while mail travels; its limits are not tested here.
                "mailroom.gateway.rate-limits.access-per-minute",
                "0",
                "mailroom.gateway.rate-limits.access-per-hour",
                "0",
                // Likewise /v1's, which /mailboxes and /inboxes share.
                "mailroom.gateway.rate-limits.v1-per-minute",
                "0",
                "mailroom.gateway.rate-limits.v1-per-hour",
                "0"));
    http = new AdminClient(stack.url(Service.API_GATEWAY));
    api = new HostedApi(http, ADMIN_KEY);
    receiverPort =
        stack.services().get(Service.SYNC_WORKER).getBean(HostedSmtpReceiver.class).port();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aCustomerAndASupportMailboxTalkOverDays() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String domain = "help-" + run + ".example";
    String support = "support@" + domain;
    String customer = "dana-" + run + "@mailroom.local";
    stack.mailServer().addUser(customer, "dana-pw");
    HostedApi.HostedTenant made = api.hostedTenant("Hosted " + run, domain, support, "Help Desk");
    String tenant = made.tenantId();
    String mailboxId = made.mailboxId();
    String token = api.token(tenant, mailboxId);

    try (TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS)) {
      // Monday: the customer's question arrives from outside.
      deliver(
          customer,
          support,
          JourneyMail.plainText(
              "q-" + run + "@mailroom.local",
              "Mon, 30 Nov 2026 09:00:00 +0000",
              customer,
              support,
              "Broken zipper",
              null,
              "The zipper of my jacket broke after a week."));
      JsonNode question = awaitFound(token, "Broken zipper", "zipper of my jacket");
      assertThat(question.get("mailboxId").asString()).isEqualTo(mailboxId);
      assertThat(question.get("provider").asString()).isEqualTo("HOSTED");

      // Support replies through the API; it leaves through the relay.
      JsonNode reply =
          http.expect(
              200,
              "POST",
              "/api/access/email/messages/" + question.get("id").asString() + "/reply",
              token,
              Map.of("body", "Sorry! A new jacket is on its way.", "bodyType", "text"));
      assertThat(reply.get("success").asBoolean()).isTrue();
      assertThat(reply.get("threadId").asString()).isEqualTo(question.get("threadId").asString());
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageSent s
                  && s.mailboxId().equals(mailboxId),
          WAIT);

      // It reaches the customer's own mailbox, answering her question.
      ParsedMessage atCustomer = awaitInbox(customer, "dana-pw", "Re: Broken zipper");
      assertThat(atCustomer.from().email()).isEqualTo(support);
      assertThat(atCustomer.inReplyTo()).isEqualTo("q-" + run + "@mailroom.local");
      assertThat(atCustomer.text()).contains("A new jacket is on its way");

      // Wednesday: her answer comes back into the same thread.
      deliver(
          customer,
          support,
          JourneyMail.plainText(
              "a-" + run + "@mailroom.local",
              "Wed, 02 Dec 2026 18:30:00 +0000",
              customer,
              support,
              "Re: Broken zipper",
              atCustomer.messageId(),
              "It arrived today, thank you!"));
      JsonNode answer = awaitFound(token, "Re: Broken zipper", "It arrived today");
      assertThat(answer.get("threadId").asString()).isEqualTo(question.get("threadId").asString());

      JsonNode thread =
          http.expect(
              200,
              "GET",
              "/api/access/email/threads/" + question.get("threadId").asString(),
              token,
              null);
      List<String> bodies = new ArrayList<>();
      thread.get("messages").forEach(m -> bodies.add(m.get("bodyPreview").asString()));
      assertThat(bodies)
          .containsExactly(
              "The zipper of my jacket broke after a week.",
              "Sorry! A new jacket is on its way.",
              "It arrived today, thank you!");

      // Announced: the two that arrived, not the one sent.
      List<String> received =
          events.drain(Duration.ofSeconds(1)).stream()
              .map(r -> CODEC.decode(r.value()))
              .filter(e -> mailboxId.equals(e.subject()) && e.data() instanceof MessageReceived)
              .map(e -> ((MessageReceived) e.data()).message().subject())
              .toList();
      assertThat(received).containsExactly("Broken zipper", "Re: Broken zipper");

      // Thursday: a survey to an address that has since gone comes back as a bounce.
      String gone = "gone-" + run + "@mailroom.local";
      stack.mailServer().addUser(gone, "gone-pw");
      JsonNode survey = send(200, token, support, gone, "How did we do?", "Tell us in one click.");
      assertThat(survey.get("success").asBoolean()).isTrue();
      String surveyMessageId = awaitInbox(gone, "gone-pw", "How did we do?").messageId();
      deliver("<>", support, bounce(support, gone, surveyMessageId));

      var bounced =
          events.await(
              r ->
                  CODEC.decode(r.value()).data() instanceof MessageBounced b
                      && b.mailboxId().equals(mailboxId),
              WAIT);
      MessageBounced bounce = (MessageBounced) CODEC.decode(bounced.value()).data();
      assertThat(bounce.recipients()).containsExactly(gone);
      assertThat(bounce.bounceType()).isEqualTo("hard");
      assertThat(bounce.diagnostic()).contains("5.1.1");
      StoredMessage stored =
          stack
              .services()
              .get(Service.API_GATEWAY)
              .getBean(MessageRepository.class)
              .findById(tenant, bounce.messageId())
              .block();
      assertThat(stored.subject()).isEqualTo("How did we do?");
      assertThat(stored.status()).isEqualTo(MessageStatus.BOUNCED);
      assertThat(stored.statusReason()).startsWith("Hard bounce: ");
      // The address bounced for good: the tenant's mailboxes no longer send to it.
      JsonNode refused = send(400, token, support, gone, "Last chance", "Still there?");
      assertThat(refused.at("/fieldErrors/0/field").asString()).isEqualTo("to[0].email");
      assertThat(refused.at("/fieldErrors/0/message").asString()).contains("suppressed");
      // The report itself is mail in the inbox, as any mail server keeps it.
      awaitFound(token, "Undelivered Mail Returned to Sender", "could not be delivered");

      // Friday: a note to itself is sent, and arrives as mail of its own.
      stack.mailServer().addUser(support, "support-pw"); // where the relay leaves it, to hand on
      send(200, token, support, support, "Note to self", "Order more zippers.");
      awaitInbox(support, "support-pw", "Note to self");
      deliver(customer, support, new String(rawOf(support, "support-pw", "Note to self"), UTF_8));
      long deadline = System.nanoTime() + WAIT.toNanos();
      List<String> labels = new ArrayList<>();
      while (labels.size() < 2) {
        assertThat(System.nanoTime()).as("the note, sent and received").isLessThan(deadline);
        JourneyMail.sleep(200);
        labels.clear();
        for (JsonNode m :
            http.expect(200, "GET", "/api/access/email/messages?limit=50", token, null)
                .get("emails")) {
          if (m.get("subject").asString().equals("Note to self")) {
            labels.add(m.get("labels").toString());
          }
        }
      }
      assertThat(labels)
          .anySatisfy(l -> assertThat(l).contains("SENT"))
          .anySatisfy(l -> assertThat(l).contains("INBOX"));
    }
  }

  /**
   * One hosted inbox through every route family: a quote sent through seed 004 goes out through the
   * relay and reads the same through seeds 003 and 002; the customer's answer from outside joins
   * its thread in both; a reply through 004 and a follow-up through 003 reach her threaded; the
   * attachment downloads from S3 by a presigned URL; and a bounce stops the next send to the
   * address it names.
   */
  @Test
  void anInboxIsTheSameMailThroughEveryRouteFamily() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String domain = "shop-" + run + ".example";
    String sales = "sales@" + domain;
    String customer = "erin-" + run + "@mailroom.local";
    stack.mailServer().addUser(customer, "erin-pw");
    HostedApi.HostedTenant shop = api.hostedTenant("Shop " + run, domain, sales, "Sales");
    String inbox = shop.mailboxId();
    String token = api.token(shop.tenantId(), inbox);
    byte[] pdf = "%PDF-1.4 quote 1042".getBytes(UTF_8);

    try (TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS)) {
      // Seed 004: the quote goes out, and message.sent is announced for it.
      JsonNode quote =
          http.expect(
              200,
              "POST",
              "/inboxes/" + inbox + "/messages/send",
              token,
              Map.of(
                  "to",
                  List.of(customer),
                  "subject",
                  "Quote 1042",
                  "text",
                  "Your quote is attached.",
                  "html",
                  "<p>Your quote is attached.</p>",
                  "labels",
                  List.of("quotes"),
                  "attachments",
                  List.of(
                      Map.of(
                          "filename",
                          "quote-1042.pdf",
                          "content_type",
                          "application/pdf",
                          "content",
                          java.util.Base64.getEncoder().encodeToString(pdf)))));
      String quoteId = quote.get("id").asString();
      events.await(
          r ->
              CODEC.decode(r.value()).data() instanceof MessageSent sent
                  && sent.message().id().equals(quoteId),
          WAIT);
      JsonNode asSent = api.awaitStatus(token, inbox, quoteId, "sent");
      assertThat(asSent.get("labels").toString()).contains("quotes");
      ParsedMessage atCustomer = awaitInbox(customer, "erin-pw", "Quote 1042");
      assertThat(atCustomer.from().email()).isEqualTo(sales);
      assertThat(atCustomer.attachments())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.filename()).isEqualTo("quote-1042.pdf");
                assertThat(a.content()).isEqualTo(pdf);
              });

      // The same message through seed 003 (by address, id as a UUID) and seed 002.
      String uuid = HostedApi.uuidOf(quoteId);
      JsonNode viaMailbox =
          http.expect(200, "GET", "/mailboxes/" + sales + "/messages/" + uuid, token, null);
      assertThat(viaMailbox.get("body_text").asString()).isEqualTo("Your quote is attached.");
      assertThat(viaMailbox.get("body_html").asString())
          .isEqualTo("<p>Your quote is attached.</p>");
      assertThat(viaMailbox.get("status").asString()).isEqualTo("sent");
      assertThat(viaMailbox.get("thread_id").asString())
          .isEqualTo(HostedApi.uuidOf(quote.get("thread_id").asString()));
      JsonNode viaAccess =
          http.expect(200, "GET", "/api/access/email/messages/" + quoteId, token, null);
      assertThat(viaAccess.get("subject").asString()).isEqualTo("Quote 1042");
      assertThat(viaAccess.get("body").asString()).isEqualTo("<p>Your quote is attached.</p>");
      // Its attachment, straight from S3.
      JsonNode link =
          http.expect(
              200,
              "GET",
              "/mailboxes/"
                  + sales
                  + "/messages/"
                  + uuid
                  + "/attachments/quote-1042.pdf?redirect=false",
              token,
              null);
      var download =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(link.get("url").asString()))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(pdf);

      // Two days later her answer arrives from outside and joins the thread in both families.
      deliver(
          customer,
          sales,
          JourneyMail.plainText(
              "e1-" + run + "@mailroom.local",
              "Sat, 05 Dec 2026 11:00:00 +0000",
              customer,
              sales,
              "Re: Quote 1042",
              atCustomer.messageId(),
              "Looks good. Can you ship by Friday?"));
      JsonNode answer = api.awaitListed(token, inbox, "Friday");
      assertThat(answer.get("thread_id").asString()).isEqualTo(quote.get("thread_id").asString());
      assertThat(answer.get("status").asString()).isEqualTo("received");
      assertThat(answer.get("from").asString()).isEqualTo(customer);
      JsonNode inbound =
          http.expect(
              200, "GET", "/mailboxes/" + sales + "/messages?direction=inbound", token, null);
      assertThat(inbound.get("messages")).hasSize(1);
      assertThat(inbound.at("/messages/0/thread_id").asString())
          .isEqualTo(HostedApi.uuidOf(quote.get("thread_id").asString()));

      // Seed 004 replies to her alone, "Re: " once; seed 003 follows up on her Message-ID.
      JsonNode reply =
          http.expect(
              200,
              "POST",
              "/inboxes/" + inbox + "/messages/" + answer.get("id").asString() + "/reply",
              token,
              Map.of("text", "Yes, it ships Thursday."));
      assertThat(reply.get("subject").asString()).isEqualTo("Re: Quote 1042");
      ParsedMessage replied = awaitInbox(customer, "erin-pw", "Re: Quote 1042");
      assertThat(replied.inReplyTo()).isEqualTo("e1-" + run + "@mailroom.local");
      assertThat(replied.text()).contains("ships Thursday");
      JsonNode followUp =
          http.expect(
              201,
              "POST",
              "/mailboxes/" + sales + "/messages",
              token,
              Map.of(
                  "recipients",
                  Map.of("to", List.of(customer)),
                  "subject",
                  "Tracking for quote 1042",
                  "body_text",
                  "Tracking number: 1Z999.",
                  "in_reply_to_message_id",
                  "<e1-" + run + "@mailroom.local>"));
      assertThat(followUp.get("thread_id").asString())
          .isEqualTo(HostedApi.uuidOf(quote.get("thread_id").asString()));
      ParsedMessage tracking = awaitInbox(customer, "erin-pw", "Tracking for quote 1042");
      assertThat(tracking.inReplyTo()).isEqualTo("e1-" + run + "@mailroom.local");

      // A send to an address that has gone bounces; the next one through seed 004 is refused.
      String gone = "gone-" + run + "@mailroom.local";
      stack.mailServer().addUser(gone, "gone-pw");
      JsonNode toGone =
          http.expect(
              200,
              "POST",
              "/inboxes/" + inbox + "/messages/send",
              token,
              Map.of("to", List.of(gone), "subject", "How did we do?", "text", "One click."));
      // It left with a return path of its own (VERP), which is where the report goes back to: the
      // report needs to quote nothing of it, and one sent to a made-up return path is refused.
      String returnPath = returnPathOf(rawOf(gone, "gone-pw", "How did we do?"));
      assertThat(returnPath).startsWith("bounces+msg_").endsWith("@" + domain);
      String forged = returnPath.replaceFirst("\\.[0-9a-f]{16}@", ".0123456789abcdef@");
      assertThatThrownBy(() -> deliver("<>", forged, bounce(sales, gone, null)))
          .isInstanceOf(jakarta.mail.SendFailedException.class)
          .hasMessageContaining("Invalid Addresses");
      deliver("<>", returnPath, bounce(sales, gone, null));
      api.awaitStatus(token, inbox, toGone.get("id").asString(), "bounced");
      assertThat(
              http.expect(
                      200,
                      "GET",
                      "/mailboxes/"
                          + sales
                          + "/messages/"
                          + HostedApi.uuidOf(toGone.get("id").asString()),
                      token,
                      null)
                  .get("status")
                  .asString())
          .isEqualTo("bounced");
      JsonNode refused =
          http.expect(
              400,
              "POST",
              "/inboxes/" + inbox + "/messages/send",
              token,
              Map.of("to", List.of(gone), "subject", "Still there?", "text", "Hello?"));
      assertThat(refused.at("/fieldErrors/0/field").asString()).isEqualTo("to[0]");

      // The tracking note is deleted through seed 003: gone from both families, in Trash for 002.
      String trackingUuid = followUp.get("id").asString();
      String trackingId = "msg_" + trackingUuid.replace("-", "");
      http.expect(204, "DELETE", "/mailboxes/" + sales + "/messages/" + trackingUuid, token, null);
      http.expect(404, "GET", "/mailboxes/" + sales + "/messages/" + trackingUuid, token, null);
      assertThat(
              http.expect(404, "GET", "/inboxes/" + inbox + "/messages/" + trackingId, token, null)
                  .get("message")
                  .asString())
          .isEqualTo("Message not found");
      JsonNode trash =
          http.expect(200, "GET", "/api/access/email/messages?label=TRASH", token, null);
      assertThat(trash.get("emails").valueStream().map(m -> m.get("subject").asString()))
          .contains("Tracking for quote 1042");
    }
  }

  /** The envelope sender a message arrived with, as the receiving server recorded it. */
  private static String returnPathOf(byte[] raw) {
    String headers = new String(raw, UTF_8);
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("(?mi)^Return-Path:\\s*<([^>]*)>").matcher(headers);
    assertThat(matcher.find()).as("Return-Path header").isTrue();
    return matcher.group(1);
  }

  /**
   * What a recipient's mail server sends back when the address does not exist (RFC 3464), quoting
   * the original's headers when {@code messageId} is given, and nothing of it otherwise.
   */
  private static String bounce(String sender, String recipient, String messageId) {
    if (messageId == null) {
      String full = bounce(sender, recipient, "unquoted");
      return full.substring(0, full.indexOf("--r1\r\nContent-Type: text/rfc822-headers"))
          + "--r1--\r\n";
    }
    return String.join(
        "\r\n",
        "From: MAILER-DAEMON@mx.mailroom.local (Mail Delivery System)",
        "To: " + sender,
        "Subject: Undelivered Mail Returned to Sender",
        "Date: Thu, 03 Dec 2026 10:15:02 +0000",
        "Message-ID: <bounce-" + messageId + ">",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r1\"",
        "",
        "--r1",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Your message could not be delivered to " + recipient + ".",
        "",
        "--r1",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.mailroom.local",
        "",
        "Final-Recipient: rfc822; " + recipient,
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 <" + recipient + ">: user unknown",
        "",
        "--r1",
        "Content-Type: text/rfc822-headers",
        "",
        "From: " + sender,
        "To: " + recipient,
        "Subject: How did we do?",
        "Message-ID: <" + messageId + ">",
        "",
        "--r1--",
        "");
  }

  /** A plain-text send from the hosted mailbox through the Email Access API. */
  private static JsonNode send(
      int status, String token, String from, String to, String subject, String body) {
    return http.expect(
        status,
        "POST",
        "/api/access/email/messages/send",
        token,
        Map.of(
            "sendFrom",
            from,
            "to",
            List.of(Map.of("email", to)),
            "subject",
            subject,
            "body",
            body,
            "bodyType",
            "text"));
  }

  /** The message with this subject and text, once the hosted mailbox has stored it. */
  private static JsonNode awaitFound(String token, String subject, String text) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      JsonNode page = http.expect(200, "GET", "/api/access/email/messages?limit=50", token, null);
      for (JsonNode m : page.get("emails")) {
        if (m.get("subject").asString().equals(subject)
            && m.get("bodyPreview").asString().contains(text)) {
          return m;
        }
      }
      assertThat(System.nanoTime()).as("'" + subject + "' stored").isLessThan(deadline);
      JourneyMail.sleep(200);
    }
  }

  /** The customer's mail with this subject, read from her mailbox by a plain IMAP client. */
  private static ParsedMessage awaitInbox(String user, String password, String subject)
      throws Exception {
    return MimeParser.parse(rawOf(user, password, subject));
  }

  /** The raw bytes of the mail with this subject in the user's inbox, once it is there. */
  private static byte[] rawOf(String user, String password, String subject) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    var mail = stack.endpoints().mail();
    while (true) {
      try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
        store.connect(mail.host(), mail.imapPort(), user, password);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        for (Message m : inbox.getMessages()) {
          if (subject.equals(m.getSubject())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
          }
        }
      }
      assertThat(System.nanoTime()).as("'" + subject + "' at " + user).isLessThan(deadline);
      JourneyMail.sleep(200);
    }
  }

  /** Hands mail to the receiver as the sender's mail server would, keeping its Message-ID. */
  private static void deliver(String from, String to, String raw) throws Exception {
    JourneyMail.handOver(stack.endpoints().mail().host(), receiverPort, from, to, raw);
  }
}
