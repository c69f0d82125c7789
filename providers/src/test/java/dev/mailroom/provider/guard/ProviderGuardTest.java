package dev.mailroom.provider.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard around a real IMAP adapter, on GreenMail and on sockets that fail or hang. */
@WithMailroomInfrastructure
class ProviderGuardTest {
  private static final Duration READ_LIMIT = Duration.ofSeconds(1);
  private EmbeddedMailServer mail;
  private ImapProvider imap;
  private CircuitBreakerRegistry circuits;
  private ProviderGuard guard;

  @BeforeEach
  void setUp(EmbeddedMailServer mail) {
    this.mail = mail;
    imap = new ImapProvider(Duration.ofSeconds(30), Clock.systemUTC());
    circuits =
        CircuitBreakerRegistry.of(
            Map.of(
                "imap",
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(4)
                    .minimumNumberOfCalls(4)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofMinutes(1))
                    .build()));
    guard =
        new ProviderGuard(
            circuits,
            BulkheadRegistry.of(
                Map.of(
                    "imap",
                    BulkheadConfig.custom()
                        .maxConcurrentCalls(4)
                        .maxWaitDuration(Duration.ofSeconds(10))
                        .build())),
            TimeLimiterRegistry.of(
                Map.of("imap", TimeLimiterConfig.custom().timeoutDuration(READ_LIMIT).build())));
  }

  @AfterEach
  void tearDown() {
    guard.close();
    imap.close();
  }

  @Test
  void anOpenCircuitRefusesTheFailingHostWhileAMailboxOnAHealthyHostKeepsSyncing()
      throws Exception {
    MailProvider guarded = guard.guard(imap);
    MailboxAccess down = access("down@mailroom.local", Ports.LOOPBACK, Ports.freePort());
    MailboxAccess healthy = user("healthy");
    deliver("healthy", "first");

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> guarded.open(down))
          .isInstanceOf(ProviderException.Transient.class)
          .hasMessageNotContaining("circuit open");
    }
    long started = System.nanoTime();
    assertThatThrownBy(() -> guarded.open(down))
        .isInstanceOf(ProviderException.Transient.class)
        .hasMessageContaining("circuit open");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

    try (MailboxSession session = guarded.open(healthy)) {
      assertThat(session.changes(SyncCursor.BEGINNING, 100).added()).hasSize(1);
    }
    deliver("healthy", "second");
    try (MailboxSession session = guarded.open(healthy)) {
      assertThat(session.changes(SyncCursor.BEGINNING, 100).added()).hasSize(2);
    }
    assertThat(circuitsInState(CircuitBreaker.State.OPEN)).hasSize(1);
  }

  @Test
  void refusedLoginsDoNotOpenTheHostsCircuit() throws Exception {
    MailProvider guarded = guard.guard(imap);
    user("refused");
    MailboxAccess wrong =
        access("refused@mailroom.local", mail.endpoint().host(), mail.endpoint().imapPort());
    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(() -> guarded.open(wrong))
          .isInstanceOf(ProviderException.AuthRevoked.class);
    }
    assertThat(circuitsInState(CircuitBreaker.State.OPEN)).isEmpty();
  }

  @Test
  void aBulkheadHoldsAFifthConcurrentCallForTheSameMailbox() throws Exception {
    MailProvider guarded = guard.guard(imap);
    MailboxAccess alice = user("alice");
    MailboxAccess bob = user("bob");
    List<MailboxSession> open = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      open.add(guarded.open(alice));
    }

    CompletableFuture<MailboxSession> fifth =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return guarded.open(alice);
              } catch (ProviderException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(700);
    assertThat(fifth).isNotDone();
    // Another mailbox is not held by Alice's limit.
    try (MailboxSession other = guarded.open(bob)) {
      assertThat(other.changes(SyncCursor.BEGINNING, 10).added()).isEmpty();
    }

    open.remove(0).close();
    open.add(fifth.get(10, TimeUnit.SECONDS));
    open.forEach(MailboxSession::close);
    assertThat(guard.mailboxesInUse()).isZero();
  }

  @Test
  void aCallThatWaitsTooLongForItsMailboxFailsAsTransient() throws Exception {
    ProviderGuard impatient =
        new ProviderGuard(
            circuits,
            BulkheadRegistry.of(
                BulkheadConfig.custom()
                    .maxConcurrentCalls(1)
                    .maxWaitDuration(Duration.ofMillis(200))
                    .build()),
            TimeLimiterRegistry.ofDefaults());
    try {
      MailProvider guarded = impatient.guard(imap);
      MailboxAccess carol = user("carol");
      try (MailboxSession first = guarded.open(carol)) {
        assertThatThrownBy(() -> guarded.open(carol))
            .isInstanceOf(ProviderException.Transient.class)
            .hasMessageContaining("More than 1 calls to carol@mailroom.local");
      }
      guarded.open(carol).close();
      assertThat(impatient.mailboxesInUse()).isZero();
    } finally {
      impatient.close();
    }
  }

  @Test
  void aServerThatNeverAnswersIsCutByTheTimeLimiter() throws Exception {
    MailProvider guarded = guard.guard(imap);
    try (ServerSocket silent = new ServerSocket(0)) {
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return silent.accept(); // and never a greeting
                } catch (java.io.IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      MailboxAccess hung = access("hung@mailroom.local", Ports.LOOPBACK, silent.getLocalPort());

      long started = System.nanoTime();
      assertThatThrownBy(() -> guarded.open(hung))
          .isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("took longer than 1 s");
      // The connection's own read timeout is 30 s: the caller was released at the limit instead.
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(READ_LIMIT.plusSeconds(2));
      assertThat(guard.mailboxesInUse()).isZero();
      accepted.get(5, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void aReadCutByTheLimitClosesItsSessionAndReleasesTheMailbox() throws Exception {
    HangingProvider hanging = new HangingProvider();
    MailProvider guarded = guard.guard(hanging);
    MailboxAccess dave = access("dave@mailroom.local", Ports.LOOPBACK, 1);
    MailboxSession session = guarded.open(dave);

    long started = System.nanoTime();
    assertThatThrownBy(() -> session.changes(SyncCursor.BEGINNING, 100))
        .isInstanceOf(ProviderException.Transient.class)
        .hasMessageContaining("took longer than 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(READ_LIMIT.plusSeconds(2));
    // Closing the connection is what ends the hung read.
    assertThat(hanging.closed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> session.fetch(List.of(), 1))
        .isInstanceOf(ProviderException.Transient.class)
        .hasMessageContaining("closed after a call took too long");
    session.close();
    assertThat(guard.mailboxesInUse()).isZero();
    // The next pass starts on a fresh connection and is served.
    hanging.hang = false;
    try (MailboxSession next = guarded.open(dave)) {
      assertThat(next.changes(SyncCursor.BEGINNING, 100).added()).isEmpty();
    }
  }

  private List<CircuitBreaker> circuitsInState(CircuitBreaker.State state) {
    return circuits.getAllCircuitBreakers().stream().filter(c -> c.getState() == state).toList();
  }

  private MailboxAccess user(String name) {
    String address = name + "@mailroom.local";
    mail.addUser(address, "pw");
    return new PasswordAccess(
        address,
        address,
        "pw",
        new MailboxAccess.Endpoint(mail.endpoint().host(), mail.endpoint().imapPort(), "none"),
        new MailboxAccess.Endpoint(mail.endpoint().host(), mail.endpoint().smtpPort(), "none"));
  }

  private static MailboxAccess access(String address, String host, int port) {
    return new PasswordAccess(
        address,
        address,
        "not-the-password",
        new MailboxAccess.Endpoint(host, port, "none"),
        new MailboxAccess.Endpoint(host, port, "none"));
  }

  private void deliver(String name, String subject) throws Exception {
    jakarta.mail.Session session = jakarta.mail.Session.getInstance(new java.util.Properties());
    jakarta.mail.internet.MimeMessage message = new jakarta.mail.internet.MimeMessage(session);
    message.setFrom("someone@example.com");
    message.setRecipients(jakarta.mail.Message.RecipientType.TO, name + "@mailroom.local");
    message.setSubject(subject);
    message.setText("Hello");
    mail.greenMail().getUserManager().getUserByEmail(name + "@mailroom.local").deliver(message);
  }

  /** A provider whose reads hang until its session is closed, as a socket read does. */
  private static final class HangingProvider implements MailProvider {
    volatile boolean hang = true;
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public ProviderKind kind() {
      return ProviderKind.IMAP;
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of();
    }

    @Override
    public MailboxSession open(MailboxAccess access) {
      return new MailboxSession() {
        @Override
        public ChangePage changes(SyncCursor cursor, int budget) throws ProviderException {
          if (hang) {
            try {
              closed.await();
            } catch (InterruptedException e) {
              // An interrupt does not end a blocking socket read; only the close does.
              try {
                closed.await();
              } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
              }
            }
            throw new ProviderException.Transient("connection closed", null);
          }
          return new ChangePage(
              List.of(), List.of(), List.of(), List.of(), List.of(), cursor, false);
        }

        @Override
        public FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) {
          throw new UnsupportedOperationException();
        }

        @Override
        public void setSeen(ProviderRef ref, boolean seen) {}

        @Override
        public void setLabels(ProviderRef ref, List<String> add, List<String> remove) {}

        @Override
        public Optional<ProviderRef> moveToTrash(ProviderRef ref) {
          return Optional.empty();
        }

        @Override
        public Optional<ProviderRef> findSent(String rfcMessageId) {
          return Optional.empty();
        }

        @Override
        public void appendToSent(byte[] raw) {}

        @Override
        public void close() {
          closed.countDown();
        }
      };
    }

    @Override
    public void submit(MailboxAccess access, byte[] raw, List<String> recipients) {}
  }
}
