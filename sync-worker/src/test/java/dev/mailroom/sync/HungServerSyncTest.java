package dev.mailroom.sync;

import static dev.mailroom.sync.SyncFixture.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.junit.InProcessKafka;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.runtime.config.MailroomServices;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.ServerEndpoint;
import dev.mailroom.store.mailbox.SyncState;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * The worker-level promise of the time limiter: a provider call that hangs is cut by the
 * time limiter and retried later, and holds its command partition for no more than the configured
 * bound, not for the socket timeout of each try.
 *
 * <p>A sync worker of its own, not the shared {@link SyncFixture}: it needs a short read limit, a
 * single command partition, few redeliveries and its scheduler running. It has its own Kafka broker
 * (the shared one's consumer group belongs to the shared worker) and its own MongoDB database (its
 * scheduler polls every mailbox it finds); S3 and the mail server are the shared ones.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HungServerSyncTest {
  /** The read limit under test: {@code resilience4j.timelimiter.configs.imap.timeout-duration}. */
  private static final Duration READ_LIMIT = Duration.ofSeconds(2);

  /** The connection's own timeout, what a hung read would hold the partition for without it. */
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

  /** Redeliveries of a failed command before it is given up on (and the scheduler retries). */
  private static final int RETRY_ATTEMPTS = 1;

  private static final Duration RETRY_INTERVAL = Duration.ofMillis(100);

  private final EnvelopeCodec codec = new EnvelopeCodec();
  private TestInfrastructure infrastructure;
  private InProcessKafka kafka;
  private ConfigurableApplicationContext worker;
  private TopicTap events;
  private StallingServer stalling;

  @BeforeAll
  void start(TestInfrastructure infrastructure) throws IOException {
    this.infrastructure = infrastructure;
    kafka = new InProcessKafka();
    String mongoUri = infrastructure.endpoints().mongoUri();
    String ownDatabase = mongoUri.replaceFirst("/mailroom(?=$|\\?)", "/mailroom-hung-server");
    assertThat(ownDatabase).as("a database of its own in " + mongoUri).isNotEqualTo(mongoUri);

    Map<String, Object> infra = new HashMap<>(infrastructure.springProperties());
    infra.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
    infra.put("spring.mongodb.uri", ownDatabase);
    List<String> args = new ArrayList<>();
    infra.forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--server.port=0");
    args.add("--spring.main.banner-mode=off");
    args.add(
        "--mailroom.security.credential-key=" + Base64.getEncoder().encodeToString(new byte[32]));
    args.add(
        "--resilience4j.timelimiter.configs.imap.timeout-duration=" + READ_LIMIT.toMillis() + "ms");
    args.add("--mailroom.providers.timeout=" + SOCKET_TIMEOUT.toSeconds() + "s");
    // Every mailbox's commands share one partition, so the hung one is in the other's way.
    args.add("--mailroom.kafka.partitions=1");
    args.add("--spring.cloud.stream.default.consumer.max-attempts=" + (RETRY_ATTEMPTS + 1));
    args.add(
        "--spring.cloud.stream.default.consumer.back-off-initial-interval="
            + RETRY_INTERVAL.toMillis());
    // A failed sync is retried by the scheduler at its recorded retry time: soon, in this test.
    args.add("--mailroom.sync.poll-interval=1h");
    args.add("--mailroom.sync.scheduler-tick=500ms");
    args.add("--mailroom.sync.failure-retry-initial=1s");
    // Every failed delivery doubles the wait, and a try that was waiting on the hung server when it
    // recovered fails too (its connection dropped): bounded here, so that the retry after recovery
    // comes within seconds however many tries failed before it.
    args.add("--mailroom.sync.failure-retry-max=3s");
    // The cut tries and that dropped one may open the hung server's circuit; while open, tries fail
    // at once. Shortened from 30 s for the same reason.
    args.add("--resilience4j.circuitbreaker.configs.imap.wait-duration-in-open-state=1s");
    args.add("--mailroom.sync.idle.enabled=false");
    worker =
        MailroomServices.builder(SyncWorkerApplication.class, SyncWorkerApplication.SERVICE_NAME)
            .run(args.toArray(String[]::new));
    worker.getBean(BlobStore.class).ensureBucket().block();
    events = new TopicTap(kafka.bootstrapServers(), Topics.EVENTS);
    var server = infrastructure.endpoints().mail();
    stalling = new StallingServer(server.host(), server.imapPort());
  }

  @AfterAll
  void stop() {
    if (stalling != null) {
      stalling.close();
    }
    if (events != null) {
      events.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aHungServerIsCutByTheReadLimitHoldsItsPartitionBrieflyAndIsSyncedOnALaterRetry()
      throws Exception {
    var server = infrastructure.endpoints().mail();
    Mailbox hung = mailbox(Ports.LOOPBACK, stalling.port());
    Mailbox healthy = mailbox(server.host(), server.imapPort());
    deliver(hung, mail("waiting@x", "Waiting behind a hung server", "a@example.com", null));
    // The worker is consuming: the healthy mailbox's first sync goes through.
    completion(healthy, request(healthy), Duration.ofSeconds(60));
    deliver(healthy, mail("fresh@x", "Not held up for long", "a@example.com", null));

    Instant queued = Instant.now();
    String hungCommand = request(hung);
    String healthyCommand = request(healthy);
    MailboxSyncCompleted next = completion(healthy, healthyCommand, Duration.ofSeconds(30));

    // Every delivery of the hung mailbox's command was cut at the read limit, then it was given up
    // on: the partition was held for those tries and the back-off between them, not for the 30 s
    // socket timeout of each.
    int deliveries = RETRY_ATTEMPTS + 1;
    // One back-off between the two deliveries, with up to half of it again as jitter.
    Duration bound = READ_LIMIT.multipliedBy(deliveries).plus(RETRY_INTERVAL.multipliedBy(2));
    Duration held = Duration.between(queued, next.completedAt());
    assertThat(held)
        .as("behind the hung mailbox's tries, which share its partition")
        .isGreaterThanOrEqualTo(READ_LIMIT.multipliedBy(deliveries));
    assertThat(held)
        .as("within the bound (%s) and some seconds for the sync itself", bound)
        .isLessThan(bound.plusSeconds(5))
        .isLessThan(SOCKET_TIMEOUT);
    assertThat(next.messagesAdded()).isEqualTo(1);
    SyncState failing = reload(hung).sync();
    assertThat(failing.lastError()).contains("took longer than " + READ_LIMIT.toSeconds() + " s");
    assertThat(failing.failures()).isGreaterThanOrEqualTo(deliveries);
    assertThat(failing.nextRetryAt()).isNotNull();

    // The server answers again: the scheduler's retry at the recorded time syncs the mailbox.
    stalling.recover();
    MailboxSyncCompleted retried = completion(hung, null, Duration.ofSeconds(20));
    assertThat(retried.commandId()).as("a later retry, not a redelivery").isNotEqualTo(hungCommand);
    assertThat(retried.messagesAdded()).isEqualTo(1);
    SyncState synced = reload(hung).sync();
    assertThat(synced.state()).isEqualTo("idle");
    assertThat(synced.failures()).isZero();
    assertThat(synced.nextRetryAt()).isNull();
  }

  /**
   * A tenant's server that refuses connections is that tenant's failure, not an outage of
   * Mailroom's own stores: its command is retried as any failed command is and then left to the
   * scheduler, instead of being held for the outage window while every mailbox behind it waits.
   */
  @Test
  void aServerThatRefusesConnectionsHoldsItsPartitionOnlyForItsOwnRetries() throws Exception {
    var server = infrastructure.endpoints().mail();
    Mailbox refusing = mailbox(Ports.LOOPBACK, closedPort());
    Mailbox healthy = mailbox(server.host(), server.imapPort());
    completion(healthy, request(healthy), Duration.ofSeconds(60));
    deliver(healthy, mail("behind@x", "Not held up by a refusing server", "a@example.com", null));

    Instant queued = Instant.now();
    request(refusing);
    MailboxSyncCompleted next = completion(healthy, request(healthy), Duration.ofSeconds(60));

    assertThat(Duration.between(queued, next.completedAt()))
        .as("behind the refused mailbox's own tries only")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(next.messagesAdded()).isEqualTo(1);
    SyncState failing = reload(refusing).sync();
    assertThat(failing.failures()).isGreaterThanOrEqualTo(1);
    assertThat(failing.nextRetryAt()).isNotNull();
  }

  /** A loopback port nothing listens on: connecting to it is refused at once. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  /**
   * A mailbox on the shared mail server (password "pw"), reached through {@code host} and {@code
   * imapPort}. Stored with its first scheduled sync an hour away, so that only the test's requests
   * and the retries of failed syncs start one.
   */
  private Mailbox mailbox(String host, int imapPort) {
    String address = "hung-" + UUID.randomUUID() + "@mailroom.local";
    infrastructure.mailServer().addUser(address, "pw");
    var smtp = infrastructure.endpoints().mail();
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
                new ServerEndpoint(smtp.host(), smtp.smtpPort(), "none"),
                address),
            worker.getBean(CredentialCipher.class).encrypt("pw", tenantId, id),
            SyncState.never(),
            Instant.now());
    ReactiveMongoTemplate mongo = worker.getBean(ReactiveMongoTemplate.class);
    Document stored = new Document();
    mongo.getConverter().write(mailbox, stored);
    stored.put("nextSyncAt", Date.from(Instant.now().plus(Duration.ofHours(1))));
    mongo.insert(stored, mongo.getCollectionName(Mailbox.class)).block();
    return mailbox;
  }

  private Mailbox reload(Mailbox mailbox) {
    return worker
        .getBean(MailboxRepository.class)
        .findById(mailbox.tenantId(), mailbox.id())
        .block();
  }

  private void deliver(Mailbox mailbox, String rawMime) throws Exception {
    infrastructure
        .mailServer()
        .greenMail()
        .getUserManager()
        .getUser(mailbox.address())
        .deliver(
            new MimeMessage(
                Session.getInstance(new Properties()),
                new ByteArrayInputStream(rawMime.getBytes(StandardCharsets.UTF_8))));
  }

  /** Queues a sync as the gateway does; returns its command id. */
  private String request(Mailbox mailbox) {
    String commandId = Ids.newId("cmd");
    worker
        .getBean(EnvelopePublisher.class)
        .publish(
            new SyncMailbox(
                commandId,
                mailbox.tenantId(),
                mailbox.id(),
                SyncMode.INCREMENTAL,
                SyncTrigger.ON_DEMAND,
                Instant.now()),
            "/test",
            commandId)
        .block();
    return commandId;
  }

  /** The completion of the mailbox's sync with that command id, or of any of its syncs (null). */
  private MailboxSyncCompleted completion(Mailbox mailbox, String commandId, Duration timeout) {
    var record =
        events.await(
            r ->
                codec.decode(r.value()).data() instanceof MailboxSyncCompleted c
                    && c.mailboxId().equals(mailbox.id())
                    && (commandId == null || c.commandId().equals(commandId)),
            timeout);
    return (MailboxSyncCompleted) codec.decode(record.value()).data();
  }

  /**
   * An IMAP server that hangs, as one whose storage stalled does: it accepts connections and never
   * says a word, until {@link #recover()}; then it drops the connections it held and passes new
   * ones through to the real server.
   */
  private static final class StallingServer implements AutoCloseable {
    private final ServerSocket listener;
    private final String host;
    private final int port;
    private final List<Socket> held = new ArrayList<>();
    private final List<Socket> relayed = new CopyOnWriteArrayList<>();
    private boolean stalled = true; // guarded by held

    StallingServer(String host, int port) throws IOException {
      this.host = host;
      this.port = port;
      this.listener = new ServerSocket(0, 50, InetAddress.getByName(Ports.LOOPBACK));
      Thread acceptor = new Thread(this::accept, "stalling-imap-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          synchronized (held) {
            if (stalled) {
              held.add(client);
              continue;
            }
          }
          Socket server = new Socket(host, port);
          relayed.add(client);
          relayed.add(server);
          pipe(client, server);
          pipe(server, client);
        } catch (IOException e) {
          // Closed, or the real server refused: the client sees its connection drop.
        }
      }
    }

    private static void pipe(Socket from, Socket to) {
      Thread relay =
          new Thread(
              () -> {
                try (from;
                    to) {
                  from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException e) {
                  // One side closed: both are.
                }
              },
              "stalling-imap-relay");
      relay.setDaemon(true);
      relay.start();
    }

    void recover() {
      synchronized (held) {
        stalled = false;
        held.forEach(StallingServer::closeQuietly);
        held.clear();
      }
    }

    @Override
    public void close() {
      closeQuietly(listener);
      recover();
      relayed.forEach(StallingServer::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Already closed.
      }
    }
  }
}
