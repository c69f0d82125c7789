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
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
    // No rate limiter configuration is named after a kind: nothing is rate-limited.
    guard = guard(RateLimiterRegistry.ofDefaults());
  }

  private ProviderGuard guard(RateLimiterRegistry rates) {
    return new ProviderGuard(
        circuits,
        BulkheadRegistry.of(
            Map.of(
                "imap",
                BulkheadConfig.custom()
                    .maxConcurrentCalls(4)
                    .maxWaitDuration(Duration.ofSeconds(10))
                    .build())),
        rates,
        TimeLimiterRegistry.of(
            Map.of("imap", TimeLimiterConfig.custom().timeoutDuration(READ_LIMIT).build())));
  }

  private static RateLimiterRegistry rates(
      String kind, int limit, Duration period, Duration timeout) {
    return RateLimiterRegistry.of(
        Map.of(
            kind,
            RateLimiterConfig.custom()
                .limitForPeriod(limit)
                .limitRefreshPeriod(period)
                .timeoutDuration(timeout)
                .build()));
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
            RateLimiterRegistry.ofDefaults(),
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
          .hasMessageContaining("took longer than 1 s")
          // A TimeoutException as its cause would pass for Mailroom's own servers timing out.
          .hasNoCause();
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

  @Test
  void aRateLimitLetsItsCallsThroughAndHoldsTheNextUntilTheNextPeriod() throws Exception {
    Duration period = Duration.ofSeconds(3);
    ProviderGuard limited = guard(rates("imap", 3, period, Duration.ofSeconds(10)));
    try {
      MailProvider guarded = limited.guard(imap);
      MailboxAccess erin = user("erin");
      deliver("erin", "counted");

      long started = System.nanoTime();
      try (MailboxSession session = guarded.open(erin)) { // 1: the login
        ChangePage page = session.changes(SyncCursor.BEGINNING, 10); // 2: a read
        ProviderRef ref = page.added().get(0).ref();
        session.setSeen(ref, true); // 3: a change to the mailbox counts as well
        Duration threeCalls = Duration.ofNanos(System.nanoTime() - started);
        assertThat(threeCalls).as("the limit's calls go through at once").isLessThan(period);

        FetchedBatch fourth = session.fetch(List.of(ref), 1_000_000); // 4: waits for the period
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .as("held until the next period")
            .isGreaterThanOrEqualTo(period.minusMillis(50));
        assertThat(fourth.messages()).hasSize(1);
      }
      // Waiting is not failing: the host's circuit saw only successes.
      assertThat(circuits.getAllCircuitBreakers())
          .allSatisfy(c -> assertThat(c.getMetrics().getNumberOfFailedCalls()).isZero());
    } finally {
      limited.close();
    }
  }

  @Test
  void aCallThatCannotGetARatePermitInTimeFailsAsTransientWithoutReachingTheServer()
      throws Exception {
    Duration wait = Duration.ofMillis(300);
    ProviderGuard limited = guard(rates("imap", 2, Duration.ofSeconds(30), wait));
    try {
      MailProvider guarded = limited.guard(imap);
      MailboxAccess frank = user("frank");
      try (MailboxSession session = guarded.open(frank)) {
        session.changes(SyncCursor.BEGINNING, 10);

        long started = System.nanoTime();
        assertThatThrownBy(() -> session.changes(SyncCursor.BEGINNING, 10))
            .isInstanceOf(ProviderException.Transient.class)
            .hasMessageContaining("More than 2 calls to frank@mailroom.local per 30 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(wait.minusMillis(50))
            .isLessThan(wait.plusSeconds(2));
      }
      // A submission takes a permit too: refused before anything is sent.
      int received = mail.greenMail().getReceivedMessages().length;
      byte[] raw = "Subject: hi\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> guarded.submit(frank, raw, List.of("someone@mailroom.local")))
          .isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("More than 2 calls");
      assertThat(mail.greenMail().getReceivedMessages()).hasSize(received);
      // The server was never asked: its circuit counts no failure.
      assertThat(circuits.getAllCircuitBreakers())
          .allSatisfy(c -> assertThat(c.getMetrics().getNumberOfFailedCalls()).isZero());
      assertThat(limited.mailboxesInUse()).isZero();
    } finally {
      limited.close();
    }
  }

  @Test
  void onlyAKindWithARateLimiterConfigurationIsLimited() throws Exception {
    ProviderGuard limited = guard(rates("google", 1, Duration.ofSeconds(30), Duration.ZERO));
    try {
      MailProvider google = limited.guard(new HangingProvider(ProviderKind.GOOGLE, false));
      MailboxAccess grace = access("grace@mailroom.local", Ports.LOOPBACK, 1);
      google.open(grace).close();
      assertThatThrownBy(() -> google.open(grace))
          .isInstanceOf(ProviderException.Transient.class)
          .hasMessageContaining("More than 1 calls to grace@mailroom.local");

      // IMAP has no configuration of its own: as many calls as it likes.
      MailProvider guarded = limited.guard(imap);
      MailboxAccess henry = user("henry");
      for (int i = 0; i < 3; i++) {
        try (MailboxSession session = guarded.open(henry)) {
          for (int j = 0; j < 5; j++) {
            assertThat(session.changes(SyncCursor.BEGINNING, 10).added()).isEmpty();
          }
        }
      }
      assertThat(limited.mailboxesRateLimited()).as("grace's only").isEqualTo(1);
    } finally {
      limited.close();
    }
  }

  @Test
  void eachMailboxHasItsOwnRateLimiter() throws Exception {
    ProviderGuard limited = guard(rates("imap", 2, Duration.ofSeconds(30), Duration.ZERO));
    try {
      MailProvider guarded = limited.guard(imap);
      MailboxAccess ivy = user("ivy");
      MailboxAccess jack = user("jack");
      try (MailboxSession session = guarded.open(ivy)) {
        session.changes(SyncCursor.BEGINNING, 10);
        assertThatThrownBy(() -> session.changes(SyncCursor.BEGINNING, 10))
            .isInstanceOf(ProviderException.Transient.class)
            .hasMessageContaining("ivy@mailroom.local");
      }
      // Ivy's limit is spent; Jack's is whole.
      try (MailboxSession session = guarded.open(jack)) {
        assertThat(session.changes(SyncCursor.BEGINNING, 10).added()).isEmpty();
      }
      assertThatThrownBy(() -> guarded.open(ivy)).isInstanceOf(ProviderException.Transient.class);
      assertThat(limited.mailboxesRateLimited()).isEqualTo(2);
    } finally {
      limited.close();
    }
  }

  @Test
  void theRateLimitersOfQuietMailboxesAreDropped() throws Exception {
    Duration period = Duration.ofSeconds(1);
    ProviderGuard limited = guard(rates("imap", 1, period, Duration.ZERO));
    try {
      MailProvider guarded = limited.guard(imap);
      MailboxAccess kate = user("kate");
      guarded.open(kate).close();
      limited.forgetQuietRates();
      assertThat(limited.mailboxesRateLimited()).as("its call still counts").isEqualTo(1);
      assertThatThrownBy(() -> guarded.open(kate)).isInstanceOf(ProviderException.Transient.class);

      Thread.sleep(period.plusMillis(500).toMillis());
      limited.forgetQuietRates();
      assertThat(limited.mailboxesRateLimited()).as("nothing left to remember").isZero();
      // A new limiter starts with the period's full allowance, as the old one would have.
      guarded.open(kate).close();
      assertThat(limited.mailboxesRateLimited()).isEqualTo(1);
    } finally {
      limited.close();
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

  /**
   * A provider whose reads hang until its session is closed, as a socket read does; or, while
   * {@code hang} is off, answer at once with nothing new.
   */
  private static final class HangingProvider implements MailProvider {
    private final ProviderKind kind;
    volatile boolean hang;
    final CountDownLatch closed = new CountDownLatch(1);

    HangingProvider() {
      this(ProviderKind.IMAP, true);
    }

    HangingProvider(ProviderKind kind, boolean hang) {
      this.kind = kind;
      this.hang = hang;
    }

    @Override
    public ProviderKind kind() {
      return kind;
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
    public Optional<String> submit(
        MailboxAccess access, byte[] raw, List<String> recipients, String returnPath) {
      return Optional.empty();
    }
  }
}
