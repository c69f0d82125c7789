package dev.mailroom.send;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MessageFailed;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.testing.FaultInjectingProvider;
import dev.mailroom.provider.testing.FaultInjectingProviders;
import dev.mailroom.runtime.config.MailroomServices;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.ServerEndpoint;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.PendingBody;
import dev.mailroom.store.message.SendProgress;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.message.SubjectKey;
import dev.mailroom.store.mime.MimeParser;
import dev.mailroom.store.mime.ParsedMessage;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendWorkerTest {
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();
  private TestInfrastructure infrastructure;
  private ConfigurableApplicationContext worker;
  private TopicTap events;

  @BeforeAll
  void start(TestInfrastructure infrastructure) {
    this.infrastructure = infrastructure;
    List<String> args = new ArrayList<>();
    infrastructure.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add("--spring.main.banner-mode=off");
    args.add(
        "--mailroom.security.credential-key=" + Base64.getEncoder().encodeToString(new byte[32]));
    args.add("--mailroom.kafka.partitions=2");
    args.add("--spring.cloud.stream.default.consumer.max-attempts=4");
    args.add("--spring.cloud.stream.default.consumer.back-off-initial-interval=100");
    // Hosted mailboxes send through the shared mail server as their relay.
    var relay = infrastructure.endpoints().mail();
    args.add("--mailroom.hosted.relay.host=" + relay.host());
    args.add("--mailroom.hosted.relay.port=" + relay.smtpPort());
    args.add("--mailroom.hosted.relay.security=none");
    worker =
        MailroomServices.builder(SendWorkerApplication.class, SendWorkerApplication.SERVICE_NAME)
            .sources(FaultInjectingProviders.class)
            .run(args.toArray(String[]::new));
    worker.getBean(BlobStore.class).ensureBucket().block();
    events = new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.EVENTS);
  }

  @AfterEach
  void disarm() {
    FaultInjectingProvider.disarm();
  }

  private Mailbox mailbox(String displayName) {
    String tenantId = Ids.newId("ten");
    String id = Ids.newId("mbx");
    String address = "send-" + UUID.randomUUID() + "@mailroom.local";
    infrastructure.mailServer().addUser(address, "pw");
    var endpoint = infrastructure.endpoints().mail();
    return worker
        .getBean(MailboxRepository.class)
        .insert(
            new Mailbox(
                id,
                tenantId,
                1,
                ProviderKind.IMAP,
                address,
                displayName,
                true,
                true,
                true,
                MailboxStatus.ACTIVE,
                new ImapSmtpSettings(
                    new ServerEndpoint(endpoint.host(), endpoint.imapPort(), "none"),
                    new ServerEndpoint(endpoint.host(), endpoint.smtpPort(), "none"),
                    address),
                worker.getBean(CredentialCipher.class).encrypt("pw", tenantId, id),
                SyncState.never(),
                Instant.now()))
        .block();
  }

  /** A hosted mailbox: no login, and no mailbox on the mail server, which is only its relay. */
  private Mailbox hostedMailbox() {
    String domain = "h" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    return worker
        .getBean(MailboxRepository.class)
        .insert(
            new Mailbox(
                Ids.newId("mbx"),
                Ids.newId("ten"),
                1,
                ProviderKind.HOSTED,
                "support@" + domain,
                "Support",
                true,
                true,
                true,
                MailboxStatus.ACTIVE,
                new HostedSettings(domain),
                null,
                SyncState.never(),
                Instant.now()))
        .block();
  }

  private String recipient() {
    String address = "rcpt-" + UUID.randomUUID() + "@mailroom.local";
    infrastructure.mailServer().addUser(address, "pw");
    return address;
  }

  /** Queues a message the way the gateway does: record first, then the command. */
  private SendMessage queue(
      Mailbox from,
      String to,
      String subject,
      String text,
      String html,
      List<Attachment> attachments,
      String inReplyTo) {
    String id = Ids.newId("msg");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    StoredMessage message =
        new StoredMessage(
            id,
            from.tenantId(),
            from.id(),
            from.provider(),
            StoredMessage.pendingProviderId(id),
            Ids.newId("thr"),
            id + "@mailroom.local",
            inReplyTo,
            inReplyTo == null ? List.of() : List.of("root@x", inReplyTo),
            subject,
            SubjectKey.of(subject),
            new Participant(from.address(), from.displayName()),
            List.of(Participant.of(to)),
            List.of(),
            List.of(),
            from.address(),
            List.of(to),
            List.of(to),
            null,
            null,
            null,
            null,
            null,
            now,
            true,
            List.of("SENT"),
            Importance.HIGH,
            !attachments.isEmpty(),
            attachments,
            Direction.OUTBOUND,
            MessageStatus.QUEUED,
            null,
            List.of(),
            now,
            now,
            null,
            new PendingBody(text, html));
    worker.getBean(MessageRepository.class).insert(message).block();
    return new SendMessage(
        Ids.newId("cmd"),
        from.tenantId(),
        from.id(),
        id,
        inReplyTo == null ? SendKind.NEW : SendKind.REPLY,
        null,
        List.of(new Participant(to, "Bö Recipient")),
        List.of(),
        List.of(),
        subject,
        text,
        html,
        Importance.HIGH,
        List.of("SENT"),
        attachments,
        now);
  }

  private void publish(SendMessage command) {
    worker.getBean(EnvelopePublisher.class).publish(command, "/test", command.commandId()).block();
  }

  private MessageSent awaitSent(SendMessage command) {
    var record =
        events.await(
            r ->
                CODEC.decode(r.value()).data() instanceof MessageSent s
                    && s.message().id().equals(command.messageId()),
            Duration.ofSeconds(60));
    return (MessageSent) CODEC.decode(record.value()).data();
  }

  /** Raw copies of every message in a folder, read by a plain IMAP client. */
  private List<byte[]> folder(String user, String name) throws Exception {
    var endpoint = infrastructure.endpoints().mail();
    try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
      store.connect(endpoint.host(), endpoint.imapPort(), user, "pw");
      Folder folder = store.getFolder(name);
      if (!folder.exists()) {
        return List.of();
      }
      folder.open(Folder.READ_ONLY);
      List<byte[]> raws = new ArrayList<>();
      for (Message m : folder.getMessages()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        raws.add(out.toByteArray());
      }
      folder.close(false);
      return raws;
    }
  }

  @Test
  void aMessageArrivesWithItsHeadersBodiesAndAByteIdenticalAttachment() throws Exception {
    Mailbox from = mailbox("Zoë Sender");
    String to = recipient();
    byte[] pdf = new byte[40_000];
    new Random(7).nextBytes(pdf);
    String key = BlobKeys.attachment(from.tenantId(), from.id(), "msg_att", "att_1");
    worker.getBean(BlobStore.class).put(key, pdf, "application/pdf").block();
    String subject = "Grüße – Q1 ✓ " + "long subject ".repeat(30);
    SendMessage command =
        queue(
            from,
            to,
            subject,
            null,
            "<p>Hello <b>Bö</b></p>",
            List.of(
                new Attachment(
                    "att_1", "Rapport été.pdf", "application/pdf", pdf.length, false, null, key)),
            null);
    publish(command);
    MessageSent sent = awaitSent(command);
    assertThat(sent.message().status()).isEqualTo(MessageStatus.SENT);

    List<byte[]> inbox = folder(to, "INBOX");
    assertThat(inbox).hasSize(1);
    String raw = new String(inbox.get(0), StandardCharsets.UTF_8);
    assertThat(raw.lines()).allMatch(line -> line.length() <= 998);
    assertThat(raw).doesNotContain("Bcc:");
    ParsedMessage received = MimeParser.parse(inbox.get(0));
    assertThat(received.messageId()).isEqualTo(command.messageId() + "@mailroom.local");
    // Read back as every header is: without the space the subject ends in.
    assertThat(received.subject()).isEqualTo(subject.strip());
    assertThat(received.from()).isEqualTo(new Participant(from.address(), "Zoë Sender"));
    assertThat(received.to()).containsExactly(new Participant(to, "Bö Recipient"));
    assertThat(received.html()).isEqualTo("<p>Hello <b>Bö</b></p>");
    assertThat(received.text()).isEqualTo("Hello Bö");
    assertThat(received.importance()).isEqualTo(Importance.HIGH);
    assertThat(received.attachments()).hasSize(1);
    assertThat(received.attachments().get(0).filename()).isEqualTo("Rapport été.pdf");
    assertThat(received.attachments().get(0).content()).isEqualTo(pdf);

    assertThat(folder(from.address(), "Sent")).hasSize(1);
    assertThat(recordedAsSent(command)).contains("multipart/alternative");
  }

  @Test
  void aHostedMailboxSendsThroughTheRelayAndItsRecordIsItsSentCopy() throws Exception {
    Mailbox from = hostedMailbox();
    String to = recipient();
    SendMessage command = queue(from, to, "Your order", "It ships today.", null, List.of(), null);
    publish(command);
    MessageSent sent = awaitSent(command);
    assertThat(sent.message().status()).isEqualTo(MessageStatus.SENT);

    ParsedMessage received = MimeParser.parse(folder(to, "INBOX").get(0));
    assertThat(received.from()).isEqualTo(new Participant(from.address(), "Support"));
    assertThat(received.text()).isEqualTo("It ships today.");
    // No server of its own keeps a Sent folder: the stored message is the copy.
    assertThat(awaitSentCopy(command, SendProgress.SentCopy.SAVED)).isNotNull();
    assertThat(recordedAsSent(command)).contains("It ships today.");
  }

  @Test
  void aReplyCarriesItsThreadingHeaders() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Re: Plans", "Sounds good", null, List.of(), "parent@x");
    publish(command);
    awaitSent(command);
    ParsedMessage received = MimeParser.parse(folder(to, "INBOX").get(0));
    assertThat(received.inReplyTo()).isEqualTo("parent@x");
    assertThat(received.references()).containsExactly("root@x", "parent@x");
    assertThat(received.text()).isEqualTo("Sounds good");
    assertThat(received.html()).isNull();
  }

  @Test
  void aRedeliveredCommandSendsOnce() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Once", "only once", null, List.of(), null);
    publish(command);
    awaitSent(command);
    publish(command);
    Thread.sleep(1500);
    assertThat(folder(to, "INBOX")).hasSize(1);
  }

  @Test
  void aWorkerThatDiesAfterTheProviderAcceptedDoesNotSendTwice() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Crash test", "exactly one", null, List.of(), null);
    FaultInjectingProvider.SENDS_BEFORE_CRASH.set(0);
    publish(command);
    awaitSent(command);
    // The redelivery finds the copy the dying worker made, and records it instead of a second.
    awaitSentCopy(command, SendProgress.SentCopy.SAVED);
    assertThat(FaultInjectingProvider.SENDS_BEFORE_CRASH.get())
        .as("the crash happened")
        .isLessThan(0);
    assertThat(folder(to, "INBOX")).hasSize(1);
    assertThat(folder(from.address(), "Sent")).hasSize(1);
    // The worker that found it sent recorded the raw MIME the first one stored before sending.
    assertThat(recordedAsSent(command)).contains("exactly one");
  }

  @Test
  void aSentCopyThatFailsIsMadeOnItsOwnWithoutSendingTheMessageAgain() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Copy later", "sent once", null, List.of(), null);
    FaultInjectingProvider.SENT_COPIES_TO_FAIL.set(1);
    publish(command);
    awaitSent(command);
    awaitSentCopy(command, SendProgress.SentCopy.SAVED);
    assertThat(FaultInjectingProvider.SENT_COPIES_TO_FAIL.get()).as("the copy failed").isZero();
    assertThat(folder(to, "INBOX")).hasSize(1);
    assertThat(folder(from.address(), "Sent")).hasSize(1);
    assertThat(recordedAsSent(command)).contains("sent once");
  }

  @Test
  void aSentCopyRefusedForGoodLeavesTheMessageSentAndSaysWhy() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command =
        queue(from, to, "Full Sent", "delivered all the same", null, List.of(), null);
    FaultInjectingProvider.SENT_COPIES_REFUSED.set(true);
    publish(command);
    awaitSent(command);
    SendProgress progress = awaitSentCopy(command, SendProgress.SentCopy.FAILED);
    assertThat(progress.sentCopyError()).contains("OVERQUOTA");
    assertThat(recordedAsSent(command)).contains("delivered all the same");
    assertThat(folder(to, "INBOX")).hasSize(1);
    assertThat(folder(from.address(), "Sent")).isEmpty();
  }

  @Test
  void aWorkerThatStopsRightAfterTheServerAcceptedLeavesTheSendUnknownNotSentTwice()
      throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "In the window", "at most once", null, List.of(), null);
    FaultInjectingProvider.CRASHES_AFTER_SUBMIT.set(1);
    publish(command);
    MessageFailed failed = awaitFailed(command);
    assertThat(failed.reason()).isEqualTo("outcome_unknown");
    StoredMessage stored = stored(command);
    assertThat(stored.status()).isEqualTo(MessageStatus.UNKNOWN);
    assertThat(stored.statusReason()).contains("not sent again");
    assertThat(folder(to, "INBOX")).hasSize(1);
  }

  @Test
  void aSubmissionWhoseAnswerIsLostIsUnknownAndNotSentAgain() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Answer lost", "at most once", null, List.of(), null);
    FaultInjectingProvider.SUBMISSIONS_UNCONFIRMED.set(1);
    publish(command);
    MessageFailed failed = awaitFailed(command);
    assertThat(failed.reason()).isEqualTo("outcome_unknown");
    StoredMessage stored = stored(command);
    assertThat(stored.status()).isEqualTo(MessageStatus.UNKNOWN);
    assertThat(stored.statusReason()).contains("answer was lost");
    assertThat(folder(to, "INBOX")).as("delivered once, not retried").hasSize(1);
  }

  @Test
  void aSendWhoseRetriesRunOutEndsFailedWithAnEventInsteadOfWaitingForever() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Unreachable", "never", null, List.of(), null);
    FaultInjectingProvider.SUBMISSIONS_UNREACHABLE.set(true);
    publish(command);
    MessageFailed failed = awaitFailed(command);
    assertThat(failed.reason()).isEqualTo("retries_exhausted");
    assertThat(failed.errorMessage()).contains("connect timed out");
    StoredMessage stored = stored(command);
    assertThat(stored.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(folder(to, "INBOX")).isEmpty();
  }

  /** The message.failed event of this command's message. */
  private MessageFailed awaitFailed(SendMessage command) throws Exception {
    var record =
        events.await(
            r ->
                CODEC.decode(r.value()).data() instanceof MessageFailed f
                    && f.messageId().equals(command.messageId()),
            Duration.ofSeconds(60));
    return (MessageFailed) CODEC.decode(record.value()).data();
  }

  private StoredMessage stored(SendMessage command) {
    return worker
        .getBean(MessageRepository.class)
        .findByIdIncludingDeleted(command.tenantId(), command.messageId())
        .block();
  }

  private SendProgress awaitSentCopy(SendMessage command, SendProgress.SentCopy expected)
      throws InterruptedException {
    MessageRepository messages = worker.getBean(MessageRepository.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    SendProgress progress = null;
    while (System.nanoTime() < deadline) {
      progress = messages.sendProgress(command.tenantId(), command.messageId()).block();
      if (progress != null && progress.sentCopy() == expected) {
        return progress;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Sent copy never became " + expected + ": " + progress);
  }

  /**
   * Checks the record says sent and points at its raw MIME, which replaced the body the request
   * left in the record; returns that MIME.
   */
  private String recordedAsSent(SendMessage command) {
    StoredMessage stored = stored(command);
    assertThat(stored.status()).isEqualTo(MessageStatus.SENT);
    assertThat(stored.pendingBody()).isNull();
    return new String(worker.getBean(BlobStore.class).get(stored.rawKey()).block(), UTF_8);
  }

  @Test
  void aPoisonCommandGoesToTheDeadLetterTopicWithoutBlockingOthers() throws Exception {
    Mailbox poisoned = mailbox(null);
    Mailbox healthy = mailbox(null);
    String to = recipient();
    String dlt = Topics.deadLetterTopic(Topics.COMMANDS_SEND, ConsumerGroups.SEND_WORKER);
    try (TopicTap deadLetters =
            new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), dlt);
        var producer =
            new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                java.util.Map.of(
                    "bootstrap.servers", infrastructure.endpoints().kafkaBootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      byte[] poison =
          "{\"type\":\"mailroom.command.send_message.v1\",\"data\":"
              .getBytes(StandardCharsets.UTF_8);
      producer
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  Topics.COMMANDS_SEND, poisoned.id(), poison))
          .get();
      SendMessage command = queue(healthy, to, "Still flowing", "yes", null, List.of(), null);
      publish(command);
      awaitSent(command);
      deadLetters.await(r -> java.util.Arrays.equals(r.value(), poison), Duration.ofSeconds(30));
    }
    assertThat(folder(to, "INBOX")).hasSize(1);
  }

  @Test
  void aForwardCarriesTheOriginalTextAndAttachmentsFromItsRawMessage() throws Exception {
    Mailbox from = mailbox("Forwarder");
    String to = recipient();
    String originalRaw =
        "Message-ID: <orig-fwd@x>\r\nFrom: Boss <boss@example.com>\r\nTo: "
            + from.address()
            + "\r\nSubject: Report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nThe numbers are in.\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=data.bin\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n"
            // A forwarded message of its own: its attachment travels inside it, not beside it.
            + "--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@example.com\r\nSubject: Inner\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n"
            + "--i\r\nContent-Type: text/plain\r\n\r\ninner\r\n--i\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;"
            + " filename=inner.bin\r\n\r\nxyz\r\n--i--\r\n--b--\r\n";
    String originalId = Ids.newId("msg");
    String rawKey = BlobKeys.rawMime(from.tenantId(), from.id(), originalId);
    worker
        .getBean(BlobStore.class)
        .put(rawKey, originalRaw.getBytes(StandardCharsets.UTF_8), "message/rfc822")
        .block();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    worker
        .getBean(MessageRepository.class)
        .insert(
            new StoredMessage(
                originalId,
                from.tenantId(),
                from.id(),
                ProviderKind.IMAP,
                "INBOX:1:9",
                Ids.newId("thr"),
                "orig-fwd@x",
                null,
                List.of(),
                "Report",
                SubjectKey.of("Report"),
                new Participant("boss@example.com", "Boss"),
                List.of(Participant.of(from.address())),
                List.of(),
                List.of(),
                "boss@example.com",
                List.of(from.address()),
                List.of(),
                null,
                null,
                null,
                rawKey,
                now,
                now,
                true,
                List.of("INBOX"),
                Importance.NORMAL,
                true,
                List.of(
                    new Attachment(
                        "att_1", "data.bin", "application/octet-stream", 10, false, null, null)),
                Direction.INBOUND,
                MessageStatus.RECEIVED,
                null,
                List.of(),
                now,
                now,
                null,
                null))
        .block();

    SendMessage queued = queue(from, to, "Fwd: Report", "FYI, see below", null, List.of(), null);
    SendMessage forward =
        new SendMessage(
            queued.commandId(),
            queued.tenantId(),
            queued.mailboxId(),
            queued.messageId(),
            SendKind.FORWARD,
            originalId,
            queued.to(),
            List.of(),
            List.of(),
            "Fwd: Report",
            "FYI, see below",
            null,
            Importance.NORMAL,
            List.of("SENT"),
            List.of(
                new Attachment(
                    "att_1", "data.bin", "application/octet-stream", 10, false, null, null)),
            now);
    publish(forward);
    awaitSent(forward);

    ParsedMessage received = MimeParser.parse(folder(to, "INBOX").get(0));
    assertThat(received.subject()).isEqualTo("Fwd: Report");
    assertThat(received.text())
        .startsWith("FYI, see below")
        .contains("---------- Forwarded message ---------")
        .contains("From: Boss <boss@example.com>")
        .contains("The numbers are in.");
    assertThat(received.attachments())
        .extracting(a -> a.id() + " " + a.parentId() + " " + a.filename())
        .containsExactly("att_1 null data.bin", "att_2 null Inner.eml", "att_2_1 att_2 inner.bin");
    assertThat(received.attachments().get(0).content())
        .isEqualTo(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }

  @Test
  void aRefusedSubmissionLeavesTheMessageFailedWithoutSentLabelOrSentTime() throws Exception {
    Mailbox from = mailbox(null);
    String to = recipient();
    SendMessage command = queue(from, to, "Refused", "never delivered", null, List.of(), null);
    MessageRepository messages = worker.getBean(MessageRepository.class);
    // The gateway's record carries a provisional sent time, as it did before the send.
    worker
        .getBean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
        .updateFirst(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id")
                    .is(command.messageId())),
            new org.springframework.data.mongodb.core.query.Update().set("sentAt", Instant.now()),
            StoredMessage.class)
        .block();
    FaultInjectingProvider.SUBMISSIONS_REFUSED.set(true);
    publish(command);
    events.await(
        r ->
            CODEC.decode(r.value()).data() instanceof MessageFailed f
                && f.messageId().equals(command.messageId()),
        Duration.ofSeconds(60));

    StoredMessage failed =
        messages.findByIdIncludingDeleted(command.tenantId(), command.messageId()).block();
    assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(failed.statusReason()).contains("550");
    assertThat(failed.labels()).doesNotContain("SENT");
    assertThat(failed.sentAt()).isNull();
    assertThat(folder(to, "INBOX")).isEmpty();
  }

  @Test
  void aForwardWithAnEmptyHtmlNoteQuotesTheOriginalAsHtml() throws Exception {
    Mailbox from = mailbox("Forwarder");
    String to = recipient();
    String originalId = Ids.newId("msg");
    String rawKey = BlobKeys.rawMime(from.tenantId(), from.id(), originalId);
    worker
        .getBean(BlobStore.class)
        .put(
            rawKey,
            ("Message-ID: <orig-html@x>\r\nFrom: boss@example.com\r\nTo: "
                    + from.address()
                    + "\r\nSubject: Plan\r\n\r\nThe plan is ready.\r\n")
                .getBytes(StandardCharsets.UTF_8),
            "message/rfc822")
        .block();
    SendMessage queued = queue(from, to, "Fwd: Plan", null, "", List.of(), null);
    worker.getBean(MessageRepository.class).insert(original(from, originalId, rawKey)).block();
    SendMessage forward =
        new SendMessage(
            queued.commandId(),
            queued.tenantId(),
            queued.mailboxId(),
            queued.messageId(),
            SendKind.FORWARD,
            originalId,
            queued.to(),
            List.of(),
            List.of(),
            "Fwd: Plan",
            null,
            "",
            Importance.NORMAL,
            List.of("SENT"),
            List.of(),
            Instant.now());
    publish(forward);
    awaitSent(forward);

    ParsedMessage received = MimeParser.parse(folder(to, "INBOX").get(0));
    assertThat(received.html())
        .contains("---------- Forwarded message ---------")
        .contains("The plan is ready.");
    assertThat(received.text()).contains("The plan is ready.");
  }

  private static StoredMessage original(Mailbox mailbox, String id, String rawKey) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new StoredMessage(
        id,
        mailbox.tenantId(),
        mailbox.id(),
        ProviderKind.IMAP,
        "INBOX:1:" + id,
        Ids.newId("thr"),
        "orig-html@x",
        null,
        List.of(),
        "Plan",
        SubjectKey.of("Plan"),
        new Participant("boss@example.com", null),
        List.of(Participant.of(mailbox.address())),
        List.of(),
        List.of(),
        "boss@example.com",
        List.of(mailbox.address()),
        List.of(),
        null,
        null,
        null,
        rawKey,
        now,
        now,
        true,
        List.of("INBOX"),
        Importance.NORMAL,
        false,
        List.of(),
        Direction.INBOUND,
        MessageStatus.RECEIVED,
        null,
        List.of(),
        now,
        now,
        null,
        null);
  }
}
