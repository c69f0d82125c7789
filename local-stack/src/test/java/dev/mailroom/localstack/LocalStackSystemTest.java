package dev.mailroom.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.localstack.LocalStack.Service;
import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.PayloadType;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncCompleted;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole suite on real servers: a command goes from the gateway's HTTP route through the outbox
 * and a real broker to the sync worker's consumer group, which talks IMAP to the mail server and
 * answers with an event on {@code mailroom.events}.
 */
class LocalStackSystemTest {
  private static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();

  private static LocalStack stack;
  private static AdminClient http;
  private static DemoTenant demo;

  @BeforeAll
  static void start() {
    stack =
        LocalStack.startReady(
            TestInfrastructure.ephemeralOptions(),
            ADMIN_KEY,
            Map.of(
                "spring.cloud.stream.default.consumer.max-attempts", "2",
                "spring.cloud.stream.default.consumer.back-off-initial-interval", "100"));
    http = new AdminClient(stack.url(Service.API_GATEWAY));
    stack.mailServer().addUser(DemoTenant.ALICE, "alice-pw");
    stack.mailServer().addUser(DemoTenant.BOB, "bob-pw");
    demo = DemoTenant.create(http, ADMIN_KEY, stack.endpoints().mail(), "alice-pw", "bob-pw");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyServiceIsReadyWithKafkaMongoAndS3Up() {
    for (Service service : Service.values()) {
      JsonNode health =
          new AdminClient(stack.url(service))
              .expect(200, "GET", "/actuator/health/readiness", null, null);
      assertThat(health.get("status").asString()).as(service.name()).isEqualTo("UP");
      for (String component : List.of("kafka", "mongo", "s3")) {
        assertThat(health.at("/components/" + component + "/status").asString())
            .as(service + " " + component)
            .isEqualTo("UP");
      }
    }
  }

  @Test
  void everyServiceExposesPrometheusMetricsIncludingMailroomsOwn() throws Exception {
    http.expect(202, "POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", demo.token(), null);
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (Service service : Service.values()) {
      var request =
          java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(stack.url(service) + "/actuator/prometheus"));
      if (service == Service.API_GATEWAY) {
        // The gateway's API port is public: its metrics there take the admin key.
        assertThat(
                client
                    .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(401);
        request.header("Authorization", "Bearer " + ADMIN_KEY);
      }
      var response =
          client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(service.name()).isEqualTo(200);
      assertThat(response.body()).as(service.name()).contains("jvm_memory_used_bytes");
    }
    var gateway =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(stack.url(Service.API_GATEWAY) + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(gateway.body())
        .contains("http_server_requests_seconds")
        .contains("mailroom_kafka_published_total{topic=\"mailroom.commands.mailbox\"");
  }

  @Test
  void syncRequestedOverHttpIsConsumedByTheWorkerAndAnsweredWithAnEvent() throws Exception {
    deliver(DemoTenant.BOB, DemoTenant.ALICE, "Hello Alice");
    try (TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS);
        TopicTap commands =
            new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.COMMANDS_MAILBOX)) {
      // The caller's own trace (W3C traceparent) is continued through Kafka to the worker.
      String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              stack.url(Service.API_GATEWAY)
                                  + "/v1/mailboxes/"
                                  + demo.aliceId()
                                  + "/sync"))
                      .header("Authorization", "Bearer " + demo.token())
                      .header("traceparent", "00-" + callerTrace + "-00f067aa0ba902b7-01")
                      .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(202);
      JsonNode accepted =
          tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.body());
      String commandId = accepted.get("commandId").asString();
      assertThat(accepted.get("status").asString()).isEqualTo("queued");

      var record =
          events.await(
              r ->
                  commandId.equals(
                      syncCompleted(r.value()).map(MailboxSyncCompleted::commandId).orElse(null)),
              WAIT);
      Envelope<?> envelope = CODEC.decode(record.value());
      MailboxSyncCompleted completed = (MailboxSyncCompleted) envelope.data();
      assertThat(record.key()).isEqualTo(demo.aliceId());
      assertThat(envelope.tenantid()).isEqualTo(demo.tenantId());
      assertThat(envelope.source()).isEqualTo("/mailroom/sync-worker");
      assertThat(completed.foldersScanned()).isPositive();
      assertThat(completed.messagesTotal()).isGreaterThanOrEqualTo(1);
      assertThat(completed.completedAt()).isAfterOrEqualTo(completed.startedAt());

      // One trace from the request's command to the worker's event (W3C traceparent headers).
      var command =
          commands.await(
              r ->
                  new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
                      .contains(commandId),
              WAIT);
      assertThat(traceId(command)).isEqualTo(callerTrace);
      assertThat(traceId(record)).isEqualTo(callerTrace);
    }
    JsonNode mailbox =
        http.expect(200, "GET", "/v1/mailboxes/" + demo.aliceId(), demo.token(), null);
    assertThat(mailbox.at("/sync/state").asString()).isEqualTo("idle");
    assertThat(mailbox.at("/sync/folders/0/name").asString()).isEqualTo("INBOX");
    assertThat(mailbox.at("/sync/lastSuccessAt").isNull()).isFalse();
  }

  @Test
  void requestsWithoutAValidTokenOrAdminKeyAreRefused() {
    assertThat(http.call("GET", "/v1/mailboxes", null, null).status()).isEqualTo(401);
    assertThat(http.call("GET", "/v1/mailboxes", "mr_not-a-token", null).status()).isEqualTo(401);
    assertThat(http.call("GET", "/admin/tenants", null, null).status()).isEqualTo(401);
    assertThat(http.call("GET", "/admin/tenants", demo.token(), null).status()).isEqualTo(401);
    AdminClient.Response refused =
        http.call("POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", null, null);
    assertThat(refused.body().get("code").asString()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void anotherTenantCannotSeeOrSyncThisTenantsMailboxes() {
    stack.mailServer().addUser("carol@mailroom.local", "carol-pw");
    JsonNode other = http.expect(201, "POST", "/admin/tenants", ADMIN_KEY, Map.of("name", "Other"));
    String otherTenant = other.get("id").asString();
    DemoTenant.createMailbox(
        http,
        ADMIN_KEY,
        otherTenant,
        stack.endpoints().mail(),
        "carol@mailroom.local",
        "Carol",
        "carol-pw",
        true);
    String otherToken =
        http.expect(
                201,
                "POST",
                "/admin/tenants/" + otherTenant + "/tokens",
                ADMIN_KEY,
                Map.of("name", "other", "permissions", Map.of("emailAccessEnabled", true)))
            .get("token")
            .asString();

    assertThat(http.call("GET", "/v1/mailboxes/" + demo.aliceId(), otherToken, null).status())
        .isEqualTo(404);
    assertThat(
            http.call("POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", otherToken, null)
                .status())
        .isEqualTo(404);
    JsonNode visible = http.expect(200, "GET", "/v1/mailboxes", otherToken, null);
    assertThat(visible.findValuesAsString("address")).containsExactly("carol@mailroom.local");
  }

  @Test
  void aTokenScopedToOneMailboxSeesOnlyThatMailbox() {
    String scoped =
        http.expect(
                201,
                "POST",
                "/admin/tenants/" + demo.tenantId() + "/tokens",
                ADMIN_KEY,
                Map.of(
                    "name",
                    "bob only",
                    "permissions",
                    Map.of("emailAccessEnabled", true, "mailboxIds", List.of(demo.bobId()))))
            .get("token")
            .asString();
    assertThat(http.call("GET", "/v1/mailboxes/" + demo.aliceId(), scoped, null).status())
        .isEqualTo(404);
    assertThat(http.call("GET", "/v1/mailboxes/" + demo.bobId(), scoped, null).status())
        .isEqualTo(200);
  }

  @Test
  void aRefusedPasswordMarksTheMailboxReauthRequiredUntilANewOneIsGiven() throws Exception {
    stack.mailServer().addUser("dave@mailroom.local", "the-first-password");
    String dave =
        DemoTenant.createMailbox(
            http,
            ADMIN_KEY,
            demo.tenantId(),
            stack.endpoints().mail(),
            "dave@mailroom.local",
            "Dave",
            "the-first-password",
            false);
    // The user changes the password at the provider: the stored one is now stale.
    stack.mailServer().addUser("dave@mailroom.local", "the-real-password");
    TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS);
    http.expect(202, "POST", "/v1/mailboxes/" + dave + "/sync", demo.token(), null);

    JsonNode mailbox = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      mailbox = http.expect(200, "GET", "/v1/mailboxes/" + dave, demo.token(), null);
      if ("reauth_required".equals(mailbox.get("status").asString())) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(mailbox.get("status").asString()).isEqualTo("reauth_required");
    // Exactly one event, however often the mailbox is synced afterwards.
    http.expect(202, "POST", "/v1/mailboxes/" + dave + "/sync", demo.token(), null);
    long reauthEvents =
        events.drain(Duration.ofSeconds(3)).stream()
            .map(r -> CODEC.decode(r.value()))
            .filter(e -> dave.equals(e.subject()) && e.data() instanceof MailboxReauthRequired)
            .count();
    events.close();
    assertThat(reauthEvents).isEqualTo(1);
    assertThat(mailbox.at("/sync/state").asString()).isEqualTo("error");
    assertThat(mailbox.at("/sync/lastError").asString()).contains("authentication refused");

    // The operator gives the new password: checked, stored, and the mailbox syncs again.
    http.expect(
        422,
        "PATCH",
        "/admin/tenants/" + demo.tenantId() + "/mailboxes/" + dave,
        ADMIN_KEY,
        Map.of("password", "still-stale"));
    JsonNode changed =
        http.expect(
            200,
            "PATCH",
            "/admin/tenants/" + demo.tenantId() + "/mailboxes/" + dave,
            ADMIN_KEY,
            Map.of("password", "the-real-password"));
    assertThat(changed.get("status").asString()).isEqualTo("active");
    deadline = System.nanoTime() + WAIT.toNanos();
    while (!"idle".equals(mailbox.at("/sync/state").asString()) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      mailbox = http.expect(200, "GET", "/v1/mailboxes/" + dave, demo.token(), null);
    }
    assertThat(mailbox.at("/sync/state").asString()).isEqualTo("idle");
    assertThat(mailbox.get("status").asString()).isEqualTo("active");
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicAndTheMailboxKeepsSyncing() throws Exception {
    String dlt = Topics.deadLetterTopic(Topics.COMMANDS_MAILBOX, ConsumerGroups.SYNC_WORKER);
    try (TopicTap deadLetters = new TopicTap(stack.endpoints().kafkaBootstrapServers(), dlt);
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    "bootstrap.servers", stack.endpoints().kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      byte[] poison = "{\"type\":\"not json at all".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(Topics.COMMANDS_MAILBOX, demo.bobId(), poison)).get();

      syncAndAwait(demo.bobId());
      var dead = deadLetters.await(r -> java.util.Arrays.equals(r.value(), poison), WAIT);
      assertThat(dead.key()).isEqualTo(demo.bobId());
    }
  }

  @Test
  void mailDeliveredOverSmtpIsSyncedAndReadableThroughTheAccessApi() throws Exception {
    deliver("carol@example.com", DemoTenant.BOB, "Quarterly numbers for Bob");
    syncAndAwait(demo.bobId());
    JsonNode page =
        http.expect(
            200,
            "GET",
            "/api/access/email/messages?q=quarterly&includeBody=true",
            demo.token(),
            null);
    assertThat(page.get("totalCount").asLong()).isEqualTo(1);
    JsonNode email = page.get("emails").get(0);
    assertThat(email.get("subject").asString()).isEqualTo("Quarterly numbers for Bob");
    assertThat(email.at("/from/email").asString()).isEqualTo("carol@example.com");
    assertThat(email.get("body").asString()).contains("body");
    assertThat(email.get("provider").asString()).isEqualTo("IMAP");
    String id = email.get("id").asString();
    JsonNode thread =
        http.expect(
            200,
            "GET",
            "/api/access/email/threads/" + email.get("threadId").asString(),
            demo.token(),
            null);
    assertThat(thread.get("messageCount").asInt()).isEqualTo(1);
    JsonNode reply =
        http.expect(
            200,
            "POST",
            "/api/access/email/messages/" + id + "/reply",
            demo.token(),
            Map.of("body", "Thanks!", "bodyType", "text"));
    assertThat(reply.get("success").asBoolean()).isTrue();
    assertThat(reply.get("threadId").asString()).isEqualTo(email.get("threadId").asString());
  }

  /**
   * Attachments on send and reply, through the whole suite: the files (and a body larger than a
   * Kafka record) travel by S3 to the send worker, which delivers them over SMTP byte for byte.
   */
  @Test
  void aSendAndAReplyWithAttachmentsAreDeliveredWithTheFilesIntact() throws Exception {
    byte[] pdf =
        ("%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
                + "2 0 obj <</Type/Pages/Count 0/Kids[]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
            .getBytes(StandardCharsets.US_ASCII);
    // Over a Kafka record's 1 MB; no word another test of this shared stack searches for.
    String longText = "Line of a long summary.\n".repeat(1_200_000 / 24);
    JsonNode sent =
        http.expect(
            200,
            "POST",
            "/api/access/email/messages/send",
            demo.token(),
            Map.of(
                "to",
                List.of(Map.of("email", DemoTenant.BOB)),
                "subject",
                "Report with attachment",
                "body",
                longText,
                "bodyType",
                "text",
                "sendFrom",
                DemoTenant.ALICE,
                "attachments",
                List.of(
                    Map.of(
                        "filename", "report.pdf",
                        "contentType", "application/pdf",
                        "contentBase64", java.util.Base64.getEncoder().encodeToString(pdf)))));
    assertThat(sent.get("success").asBoolean()).isTrue();

    Message delivered =
        awaitDelivered(DemoTenant.BOB, demo.bobPassword(), "Report with attachment");
    jakarta.mail.Multipart parts = (jakarta.mail.Multipart) delivered.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n"))
        .isEqualTo(longText);
    jakarta.mail.BodyPart file = parts.getBodyPart(1);
    assertThat(file.getFileName()).isEqualTo("report.pdf");
    assertThat(file.getContentType()).startsWith("application/pdf");
    assertThat(file.getInputStream().readAllBytes()).isEqualTo(pdf);

    // A blocked type is refused before anything is queued.
    JsonNode refused =
        http.expect(
            400,
            "POST",
            "/api/access/email/messages/send",
            demo.token(),
            Map.of(
                "to",
                List.of(Map.of("email", DemoTenant.BOB)),
                "subject",
                "Blocked",
                "body",
                "x",
                "attachments",
                List.of(Map.of("filename", "setup.exe", "contentBase64", "TVqQAAMAAAAEAAAA"))));
    assertThat(refused.at("/fieldErrors/0/field").asString()).isEqualTo("attachments[0].filename");

    // Bob replies with a file of his own.
    syncAndAwait(demo.bobId());
    String received =
        onlyId("/api/access/email/messages?subject=Report%20with%20attachment&label=INBOX");
    byte[] signed = "signed, Bob".getBytes(StandardCharsets.UTF_8);
    http.expect(
        200,
        "POST",
        "/api/access/email/messages/" + received + "/reply",
        demo.token(),
        Map.of(
            "body",
            "<p>Signed copy attached.</p>",
            "attachments",
            List.of(
                Map.of(
                    "filename", "signed.txt",
                    "contentType", "text/plain",
                    "contentBase64", java.util.Base64.getEncoder().encodeToString(signed)))));
    Message reply = awaitDelivered(DemoTenant.ALICE, "alice-pw", "Re: Report with attachment");
    jakarta.mail.Multipart replyParts = (jakarta.mail.Multipart) reply.getContent();
    jakarta.mail.BodyPart replyFile = replyParts.getBodyPart(replyParts.getCount() - 1);
    assertThat(replyFile.getFileName()).isEqualTo("signed.txt");
    assertThat(replyFile.getInputStream().readAllBytes()).isEqualTo(signed);
  }

  /** The message with this subject in the user's INBOX, read over IMAP, once it has arrived. */
  private static Message awaitDelivered(String user, String password, String subject)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      jakarta.mail.Store store = Session.getInstance(new Properties()).getStore("imap");
      store.connect(
          stack.endpoints().mail().host(), stack.endpoints().mail().imapPort(), user, password);
      jakarta.mail.Folder inbox = store.getFolder("INBOX");
      inbox.open(jakarta.mail.Folder.READ_ONLY);
      for (Message m : inbox.getMessages()) {
        if (subject.equals(m.getSubject())) {
          // Read whole while the folder is open; the caller looks at it after.
          MimeMessage copy = new MimeMessage((MimeMessage) m);
          store.close();
          return copy;
        }
      }
      store.close();
      Thread.sleep(200);
    }
    throw new AssertionError("Not delivered to " + user + ": " + subject);
  }

  @Test
  void readLabelAndDeleteThroughTheAccessApiReachTheImapServer() throws Exception {
    String host = stack.endpoints().mail().host();
    int imapPort = stack.endpoints().mail().imapPort();
    try (jakarta.mail.Store store = Session.getInstance(new Properties()).getStore("imap")) {
      store.connect(host, imapPort, DemoTenant.BOB, demo.bobPassword());
      jakarta.mail.Folder trash = store.getFolder("Trash");
      if (!trash.exists()) {
        trash.create(jakarta.mail.Folder.HOLDS_MESSAGES);
      }
    }
    deliver("dave@example.com", DemoTenant.BOB, "Zebra invoice to label");
    deliver("dave@example.com", DemoTenant.BOB, "Zebra newsletter to delete");
    syncAndAwait(demo.bobId());
    String invoice = onlyId("/api/access/email/messages?q=invoice&subject=Zebra");
    String newsletter = onlyId("/api/access/email/messages?q=newsletter&subject=Zebra");

    http.expect(
        200,
        "PATCH",
        "/api/access/email/messages/" + invoice,
        demo.token(),
        Map.of("markAsRead", true, "addLabels", java.util.List.of("customer")));
    http.expect(204, "DELETE", "/api/access/email/messages/" + newsletter, demo.token(), null);

    long deadline = System.nanoTime() + WAIT.toNanos();
    String seenAtServer = "";
    while (System.nanoTime() < deadline) {
      try (jakarta.mail.Store store = Session.getInstance(new Properties()).getStore("imap")) {
        store.connect(host, imapPort, DemoTenant.BOB, demo.bobPassword());
        jakarta.mail.Folder inbox = store.getFolder("INBOX");
        inbox.open(jakarta.mail.Folder.READ_ONLY);
        jakarta.mail.Folder trash = store.getFolder("Trash");
        trash.open(jakarta.mail.Folder.READ_ONLY);
        boolean labelled = false;
        boolean stillInInbox = false;
        for (Message m : inbox.getMessages()) {
          if ("Zebra invoice to label".equals(m.getSubject())) {
            labelled = m.isSet(jakarta.mail.Flags.Flag.SEEN) && m.getFlags().contains("customer");
          }
          stillInInbox |= "Zebra newsletter to delete".equals(m.getSubject());
        }
        boolean inTrash = false;
        for (Message m : trash.getMessages()) {
          inTrash |= "Zebra newsletter to delete".equals(m.getSubject());
        }
        seenAtServer = "labelled=" + labelled + " inTrash=" + inTrash + " inInbox=" + stillInInbox;
        if (labelled && inTrash && !stillInInbox) {
          return;
        }
      } catch (jakarta.mail.MessagingException e) {
        // The worker moved a message out of INBOX while this look went through it: look again.
        seenAtServer = "looking: " + e.getMessage();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Changes did not reach the IMAP server: " + seenAtServer);
  }

  /** Asks for a sync over HTTP and waits for its completion event. */
  private static void syncAndAwait(String mailboxId) {
    try (TopicTap events = new TopicTap(stack.endpoints().kafkaBootstrapServers(), Topics.EVENTS)) {
      String commandId =
          http.expect(202, "POST", "/v1/mailboxes/" + mailboxId + "/sync", demo.token(), null)
              .get("commandId")
              .asString();
      events.await(
          r ->
              commandId.equals(
                  syncCompleted(r.value()).map(MailboxSyncCompleted::commandId).orElse(null)),
          WAIT);
    }
  }

  private static String onlyId(String search) {
    JsonNode page = http.expect(200, "GET", search, demo.token(), null);
    assertThat(page.get("totalCount").asLong()).as(search).isEqualTo(1);
    return page.get("emails").get(0).get("id").asString();
  }

  @Test
  void aWebhookSubscriberHearsOfASyncAndOfATestEventSignedForItsSecret() throws Exception {
    java.util.List<java.util.Map<String, String>> received =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer receiver =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 10);
    receiver.createContext(
        "/",
        exchange -> {
          received.add(
              java.util.Map.of(
                  "id", exchange.getRequestHeaders().getFirst("webhook-id"),
                  "timestamp", exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                  "signature", exchange.getRequestHeaders().getFirst("webhook-signature"),
                  "body",
                      new String(
                          exchange.getRequestBody().readAllBytes(),
                          java.nio.charset.StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    try {
      JsonNode created =
          http.expect(
              201,
              "POST",
              "/v1/webhooks",
              demo.token(),
              Map.of(
                  "url",
                  "http://localhost:" + receiver.getAddress().getPort() + "/hooks",
                  "eventTypes",
                  java.util.List.of("mailbox.sync_completed", "message.received"),
                  "mailboxIds",
                  java.util.List.of(demo.aliceId())));
      String webhookId = created.at("/webhook/id").asString();
      com.standardwebhooks.Webhook verifier =
          new com.standardwebhooks.Webhook(created.get("secret").asString());

      http.expect(202, "POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", demo.token(), null);
      http.expect(202, "POST", "/v1/webhooks/" + webhookId + "/test", demo.token(), null);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (received.stream().noneMatch(r -> r.get("body").contains("mailbox.sync_completed"))
          || received.stream().noneMatch(r -> r.get("body").contains("\"test\":true"))) {
        assertThat(System.nanoTime()).as("both webhooks within " + WAIT).isLessThan(deadline);
        Thread.sleep(100);
      }
      for (java.util.Map<String, String> request : received) {
        verifier.verify(
            request.get("body"),
            Map.of(
                "webhook-id", java.util.List.of(request.get("id")),
                "webhook-timestamp", java.util.List.of(request.get("timestamp")),
                "webhook-signature", java.util.List.of(request.get("signature"))));
      }
      JsonNode sync =
          tools.jackson.databind.json.JsonMapper.builder()
              .build()
              .readTree(
                  received.stream()
                      .filter(r -> r.get("body").contains("mailbox.sync_completed"))
                      .findFirst()
                      .orElseThrow()
                      .get("body"));
      assertThat(sync.at("/data/inbox_id").asString()).isEqualTo(demo.aliceId());
      assertThat(sync.at("/data/organization_id").asString()).isEqualTo(demo.tenantId());
      JsonNode log =
          http.expect(200, "GET", "/v1/webhooks/" + webhookId + "/deliveries", demo.token(), null);
      assertThat(log.get("data").valueStream().map(d -> d.get("status").asString()))
          .contains("succeeded");
    } finally {
      receiver.stop(0);
    }
  }

  /**
   * The README's "connect your own mailbox" guide, step by step, with the Java receiver of
   * examples/webhook-receivers run as its own process: a newcomer's tenant, token and mailbox, and
   * a message.received the receiver verifies with the secret it was given.
   */
  @Test
  void aNewcomerFollowingTheReadmeConnectsAMailboxAndGetsAVerifiedWebhook() throws Exception {
    String address = "dana@" + DemoTenant.ALICE.substring(DemoTenant.ALICE.indexOf('@') + 1);
    stack.mailServer().addUser(address, "dana-pw");
    String tenant =
        http.expect(201, "POST", "/admin/tenants", ADMIN_KEY, Map.of("name", "Acme"))
            .get("id")
            .asString();
    String token =
        http.expect(
                201,
                "POST",
                "/admin/tenants/" + tenant + "/tokens",
                ADMIN_KEY,
                Map.of(
                    "name",
                    "backend",
                    "permissions",
                    Map.of(
                        "emailAccessEnabled",
                        true,
                        "allowedEmailOperations",
                        List.of("search_emails", "view_email", "view_thread", "send_email"))))
            .get("token")
            .asString();
    var mail = stack.endpoints().mail();
    String mailbox =
        http.expect(
                201,
                "POST",
                "/admin/tenants/" + tenant + "/mailboxes",
                ADMIN_KEY,
                Map.of(
                    "provider",
                    "imap",
                    "address",
                    address,
                    "displayName",
                    "Dana",
                    "imap",
                    Map.of("host", mail.host(), "port", mail.imapPort(), "security", "none"),
                    "smtp",
                    Map.of("host", mail.host(), "port", mail.smtpPort(), "security", "none"),
                    "password",
                    "dana-pw"))
            .get("id")
            .asString();
    // The backfill raises no message.received: subscribe once it is done, as the guide does.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!"idle"
        .equals(
            http.expect(200, "GET", "/v1/mailboxes/" + mailbox, token, null)
                .at("/sync/state")
                .asString())) {
      assertThat(System.nanoTime()).as("first sync within " + WAIT).isLessThan(deadline);
      Thread.sleep(200);
    }
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    JsonNode subscription =
        http.expect(
            201,
            "POST",
            "/v1/webhooks",
            token,
            Map.of(
                "url",
                "http://localhost:" + port + "/hooks",
                "eventTypes",
                List.of("message.received")));
    ProcessBuilder builder =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                java.nio.file.Path.of("..", "examples", "webhook-receivers", "java")
                    .resolve("WebhookReceiver.java")
                    .toString())
            .redirectErrorStream(true);
    builder.environment().put("MAILROOM_WEBHOOK_SECRET", subscription.get("secret").asString());
    builder.environment().put("PORT", Integer.toString(port));
    Process receiver = builder.start();
    java.util.concurrent.BlockingQueue<String> lines =
        new java.util.concurrent.LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (var out =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          receiver.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
              } catch (java.io.IOException e) {
                lines.add("read failed: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      assertThat(lines.poll(60, java.util.concurrent.TimeUnit.SECONDS))
          .isEqualTo("ready on port " + port);
      deliver("erin@example.com", address, "Welcome aboard, Dana");
      http.expect(202, "POST", "/v1/mailboxes/" + mailbox + "/sync", token, null);
      String line = lines.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThat(line).startsWith("verified ").contains("\"type\":\"message.received\"");
      assertThat(line).contains("Welcome aboard, Dana");
    } finally {
      receiver.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static String traceId(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
    var header = record.headers().lastHeader("traceparent");
    return header == null
        ? null
        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8).split("-")[1];
  }

  private static java.util.Optional<MailboxSyncCompleted> syncCompleted(byte[] json) {
    Envelope<?> envelope = CODEC.decode(json);
    return envelope.type().equals(PayloadType.MAILBOX_SYNC_COMPLETED.typeName())
        ? java.util.Optional.of((MailboxSyncCompleted) envelope.data())
        : java.util.Optional.empty();
  }

  private static void deliver(String from, String to, String subject) throws Exception {
    Properties props = new Properties();
    props.put("mail.smtp.host", stack.endpoints().mail().host());
    props.put("mail.smtp.port", Integer.toString(stack.endpoints().mail().smtpPort()));
    MimeMessage message = new MimeMessage(Session.getInstance(props));
    message.setFrom(new InternetAddress(from));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject(subject);
    message.setText("body");
    Transport.send(message);
  }
}
