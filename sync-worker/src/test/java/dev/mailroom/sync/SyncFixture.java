package dev.mailroom.sync;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.Event;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.testing.FaultInjectingProviders;
import dev.mailroom.runtime.config.MailroomServices;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.hosted.HostedDomain;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.ServerEndpoint;
import dev.mailroom.store.mailbox.SyncState;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/** One sync worker per test JVM on the shared infrastructure, and mailboxes to point it at. */
final class SyncFixture {
  private static SyncFixture shared;
  static final int HOSTED_MAX_MESSAGE_BYTES = 256 * 1024;
  static final Duration HOSTED_MAX_TRANSFER = Duration.ofSeconds(3);

  final TestInfrastructure infrastructure;
  final ConfigurableApplicationContext context;
  final TopicTap events;
  private final EnvelopeCodec codec = new EnvelopeCodec();

  private SyncFixture(TestInfrastructure infrastructure) {
    this.infrastructure = infrastructure;
    List<String> args = new ArrayList<>();
    infrastructure.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add("--spring.main.banner-mode=off");
    args.add(
        "--mailroom.security.credential-key=" + Base64.getEncoder().encodeToString(new byte[32]));
    args.add("--mailroom.sync.batch-size=20");
    args.add("--mailroom.sync.batch-bytes=4MB");
    args.add("--mailroom.sync.max-messages-per-run=50");
    // Tests ask for each sync themselves; a scheduled one would add events at random moments.
    args.add("--mailroom.sync.poll-interval=0s");
    // Likewise pushed changes: the IDLE test reconciles the watches itself.
    args.add("--mailroom.sync.idle.reconcile-interval=1h");
    args.add("--mailroom.kafka.partitions=2");
    args.add("--spring.cloud.stream.default.consumer.back-off-initial-interval=100");
    // The receiver for hosted mailboxes, on a free port, with a limit small enough to test.
    args.add("--mailroom.hosted.smtp.enabled=true");
    args.add("--mailroom.hosted.smtp.bind-address=" + Ports.LOOPBACK);
    args.add("--mailroom.hosted.smtp.port=0");
    args.add("--mailroom.hosted.smtp.max-message-size=" + HOSTED_MAX_MESSAGE_BYTES + "B");
    args.add("--mailroom.hosted.smtp.max-transfer-time=" + HOSTED_MAX_TRANSFER.toMillis() + "ms");
    context =
        MailroomServices.builder(SyncWorkerApplication.class, SyncWorkerApplication.SERVICE_NAME)
            .sources(FaultInjectingProviders.class)
            .run(args.toArray(String[]::new));
    context.getBean(BlobStore.class).ensureBucket().block();
    events = new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.EVENTS);
  }

  static synchronized SyncFixture shared(TestInfrastructure infrastructure) {
    if (shared == null) {
      shared = new SyncFixture(infrastructure);
      Runtime.getRuntime().addShutdownHook(new Thread(shared.context::close));
    }
    return shared;
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** A mailbox on the embedded IMAP server, registered in the store. */
  Mailbox mailbox() {
    String address = "sync-" + UUID.randomUUID() + "@mailroom.local";
    infrastructure.mailServer().addUser(address, "pw");
    var endpoint = infrastructure.endpoints().mail();
    return mailbox(address, endpoint.host(), endpoint.imapPort(), endpoint.smtpPort());
  }

  /** A mailbox whose IMAP server is elsewhere (password "pw"), registered in the store. */
  Mailbox mailbox(String address, String host, int imapPort, int smtpPort) {
    String tenantId = Ids.newId("ten");
    String id = Ids.newId("mbx");
    Mailbox mailbox =
        new Mailbox(
            id,
            tenantId,
            1,
            ProviderKind.IMAP,
            address,
            null,
            true,
            true,
            true,
            MailboxStatus.ACTIVE,
            new ImapSmtpSettings(
                new ServerEndpoint(host, imapPort, "none"),
                new ServerEndpoint(host, smtpPort, "none"),
                address),
            bean(CredentialCipher.class).encrypt("pw", tenantId, id),
            SyncState.never(),
            Instant.now());
    return bean(MailboxRepository.class).insert(mailbox).block();
  }

  /** A hosted mailbox at {@code local@domain}, on a domain of a new tenant's, in the store. */
  Mailbox hostedMailbox(String local, String domain) {
    String tenantId = Ids.newId("ten");
    bean(HostedDomainRepository.class)
        .insert(new HostedDomain(domain, tenantId, Instant.now()))
        .block();
    Mailbox mailbox =
        new Mailbox(
            Ids.newId("mbx"),
            tenantId,
            1,
            ProviderKind.HOSTED,
            local + "@" + domain,
            null,
            true,
            true,
            true,
            MailboxStatus.ACTIVE,
            new HostedSettings(domain),
            null,
            SyncState.never(),
            Instant.now());
    return bean(MailboxRepository.class).insert(mailbox).block();
  }

  interface FolderAction {
    void run(Store store, Folder folder) throws Exception;
  }

  /**
   * Runs an action on one folder of the mailbox through a plain IMAP client, as another app would,
   * on whichever server the mailbox lives (password "pw").
   */
  void atServer(Mailbox mailbox, String folderName, FolderAction action) throws Exception {
    try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
      ServerEndpoint imap = ((ImapSmtpSettings) mailbox.settings()).imap();
      store.connect(imap.host(), imap.port(), mailbox.address(), "pw");
      action.run(store, store.getFolder(folderName));
    }
  }

  Mailbox reload(Mailbox mailbox) {
    return bean(MailboxRepository.class).findById(mailbox.tenantId(), mailbox.id()).block();
  }

  void deliver(Mailbox mailbox, String rawMime) throws Exception {
    MimeMessage message =
        new MimeMessage(
            Session.getInstance(new Properties()),
            new ByteArrayInputStream(rawMime.getBytes(StandardCharsets.UTF_8)));
    infrastructure
        .mailServer()
        .greenMail()
        .getUserManager()
        .getUser(mailbox.address())
        .deliver(message);
  }

  static String mail(String messageId, String subject, String from, String inReplyTo) {
    return "Message-ID: <"
        + messageId
        + ">\r\n"
        + "Date: Sat, 07 Feb 2026 14:30:00 +0000\r\n"
        + "From: "
        + from
        + "\r\nTo: someone@mailroom.local\r\nSubject: "
        + subject
        + "\r\n"
        + (inReplyTo == null
            ? ""
            : "In-Reply-To: <" + inReplyTo + ">\r\nReferences: <" + inReplyTo + ">\r\n")
        + "\r\nHello, this is "
        + subject
        + ".\r\n";
  }

  /** Requests a sync the way the gateway does, and waits for its completion event. */
  MailboxSyncCompleted sync(Mailbox mailbox) {
    return sync(mailbox, Duration.ofSeconds(120));
  }

  MailboxSyncCompleted sync(Mailbox mailbox, Duration timeout) {
    String commandId = Ids.newId("cmd");
    command(
        new SyncMailbox(
            commandId,
            mailbox.tenantId(),
            mailbox.id(),
            SyncMode.INCREMENTAL,
            SyncTrigger.ON_DEMAND,
            Instant.now()));
    var record =
        events.await(
            r ->
                codec.decode(r.value()).data() instanceof MailboxSyncCompleted c
                    && c.commandId().equals(commandId),
            timeout);
    return (MailboxSyncCompleted) codec.decode(record.value()).data();
  }

  void command(dev.mailroom.model.envelope.Command command) {
    bean(EnvelopePublisher.class).publish(command, "/test", command.commandId()).block();
  }

  <E extends Event> E awaitEvent(Mailbox mailbox, Class<E> type) {
    var record =
        events.await(
            r -> {
              var envelope = codec.decode(r.value());
              return mailbox.id().equals(envelope.subject()) && type.isInstance(envelope.data());
            },
            Duration.ofSeconds(60));
    return type.cast(codec.decode(record.value()).data());
  }

  /** Every event of this mailbox seen so far (after waiting a moment for stragglers). */
  List<Event> eventsOf(Mailbox mailbox) {
    return events.drain(Duration.ofMillis(500)).stream()
        .map(r -> codec.decode(r.value()))
        .filter(e -> mailbox.id().equals(e.subject()))
        .map(e -> (Event) e.data())
        .toList();
  }

  /** Stored messages of the mailbox as a search sees them, with {@code label} if not null. */
  List<dev.mailroom.store.message.StoredMessage> search(Mailbox mailbox, String label) {
    return bean(dev.mailroom.store.message.MessageRepository.class)
        .search(
            new dev.mailroom.store.message.MessageQuery.Builder(
                    mailbox.tenantId(), List.of(mailbox.id()))
                .label(label)
                .limit(10_000)
                .build())
        .collectList()
        .block();
  }

  /**
   * Deletes a stored message as the gateway's delete does: into Trash in the store, then the
   * command for the provider; returns once the worker has applied it.
   */
  void deleteThroughTheApi(Mailbox mailbox, dev.mailroom.store.message.StoredMessage message) {
    bean(dev.mailroom.store.message.MessageRepository.class)
        .trash(mailbox.tenantId(), message.id(), List.of("TRASH"), Instant.now())
        .block();
    String commandId = Ids.newId("cmd");
    command(
        new dev.mailroom.model.command.DeleteMessage(
            commandId, mailbox.tenantId(), mailbox.id(), message.id(), Instant.now()));
    events.await(
        r ->
            codec.decode(r.value()).data() instanceof dev.mailroom.model.event.MessageDeleted d
                && d.messageId().equals(message.id()),
        Duration.ofSeconds(60));
  }
}
