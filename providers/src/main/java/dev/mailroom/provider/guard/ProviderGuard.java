package dev.mailroom.provider.guard;

import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.MDC;

/**
 * Wraps provider adapters so that one failing server, one busy mailbox or one hung call cannot take
 * every worker thread:
 *
 * <ul>
 *   <li>a <b>circuit breaker per provider endpoint</b> (an IMAP or SMTP host and port; an API
 *       provider's kind). Only {@link ProviderException.Transient} failures count: a refused login
 *       or a missing message says the server answered. While open, calls fail at once as transient,
 *       and the worker retries them later as it retries a dropped connection;
 *   <li>a <b>bulkhead per mailbox</b>: at most so many connections to one mailbox at once (IMAP
 *       servers limit them per user; Microsoft Graph allows 4 concurrent requests per mailbox). A
 *       further call waits for a free one, up to the bulkhead's wait; a session holds its permit
 *       from open to close;
 *   <li>a <b>rate limiter per mailbox</b>, for the kinds whose provider sets a quota per mailbox
 *       (Gmail: quota units per user; Microsoft Graph: requests per mailbox per 10 minutes) and
 *       only when a configuration is named after the kind: IMAP servers set none, so IMAP has no
 *       limiter unless one is configured. Every call that reaches the server takes a permit: the
 *       open of a session, each call on it (changes to the mailbox included), a submission and the
 *       start of a watch. A call over the limit waits up to the limiter's timeout, then fails as
 *       transient, and the worker retries it later as it retries a dropped connection; it does not
 *       count against the host's circuit, since the server was never asked;
 *   <li>a <b>time limiter around reads</b> (open, list changes, fetch, find a sent copy): the
 *       caller is released when the limit passes and the session is closed, which aborts its I/O.
 *       Calls that change the mailbox or send mail are never abandoned, since one still running
 *       could take effect after the caller retried it; they are bounded by the connection's
 *       timeouts.
 * </ul>
 *
 * <p>Settings come from the registries' configurations named after the provider kind in lower case
 * ({@code imap}; {@code google} and {@code m365} for Gmail and Microsoft Graph), else their
 * defaults (rate limiters: none). Circuit breakers live in the given registry, so its metrics show
 * them. Bulkheads and rate limiters are per mailbox and stay out of their registries, whose metrics
 * would grow a series per mailbox (millions of them): the registries only lend their settings.
 * Bulkheads are kept only while in use and rate limiters only while their mailbox's calls still
 * count against the limit, so a million idle mailboxes hold neither.
 */
public final class ProviderGuard implements AutoCloseable {
  /** How often, at most, the rate limiters of mailboxes gone quiet are dropped. */
  private static final Duration SWEEP_EVERY = Duration.ofSeconds(10);

  private final CircuitBreakerRegistry circuits;
  private final BulkheadRegistry bulkheadSettings;
  private final RateLimiterRegistry rateSettings;
  private final TimeLimiterRegistry timeLimiters;
  private final ExecutorService readers;
  private final ConcurrentHashMap<String, MailboxPermits> mailboxes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, MailboxRate> rates = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong(System.nanoTime() + SWEEP_EVERY.toNanos());

  public ProviderGuard(
      CircuitBreakerRegistry circuits,
      BulkheadRegistry bulkheadSettings,
      RateLimiterRegistry rateSettings,
      TimeLimiterRegistry timeLimiters) {
    this.circuits = circuits;
    this.bulkheadSettings = bulkheadSettings;
    this.rateSettings = rateSettings;
    this.timeLimiters = timeLimiters;
    AtomicInteger n = new AtomicInteger();
    this.readers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "provider-read-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public MailProvider guard(MailProvider provider) {
    return new GuardedProvider(provider, this);
  }

  /** The circuit of the server this access reads from (incoming) or sends through. */
  CircuitBreaker circuit(MailProvider provider, MailboxAccess access, boolean incoming) {
    String kind = configName(provider);
    String endpoint = kind;
    if (access instanceof PasswordAccess password) {
      MailboxAccess.Endpoint server = incoming ? password.incoming() : password.outgoing();
      if (server != null) {
        endpoint =
            kind
                + (incoming ? "-in:" : "-out:")
                + server.host().toLowerCase(Locale.ROOT)
                + ":"
                + server.port();
      }
    }
    return circuits.circuitBreaker(
        endpoint, circuits.getConfiguration(kind).orElse(circuits.getDefaultConfig()));
  }

  /**
   * A permit to call this mailbox, waited for up to the bulkhead's wait; release it exactly once.
   */
  Runnable acquire(MailProvider provider, MailboxAccess access) throws ProviderException {
    String kind = configName(provider);
    String key = kind + ":" + access.address().toLowerCase(Locale.ROOT);
    MailboxPermits permits =
        mailboxes.compute(
            key,
            (k, existing) -> {
              MailboxPermits p =
                  existing != null ? existing : new MailboxPermits(k, settings(kind));
              p.users++;
              return p;
            });
    boolean acquired = false;
    try {
      acquired = permits.bulkhead.tryAcquirePermission();
    } finally {
      if (!acquired) {
        forget(key, permits);
      }
    }
    if (!acquired) {
      BulkheadConfig config = permits.bulkhead.getBulkheadConfig();
      throw new ProviderException.Transient(
          "More than "
              + config.getMaxConcurrentCalls()
              + " calls to "
              + access.address()
              + " at once for "
              + config.getMaxWaitDuration().toSeconds()
              + " s; retried later",
          null);
    }
    AtomicInteger released = new AtomicInteger();
    return () -> {
      if (released.getAndIncrement() == 0) {
        permits.bulkhead.onComplete();
        forget(key, permits);
      }
    };
  }

  private void forget(String key, MailboxPermits permits) {
    mailboxes.computeIfPresent(key, (k, p) -> p != permits || --p.users > 0 ? p : null);
  }

  private BulkheadConfig settings(String kind) {
    return bulkheadSettings.getConfiguration(kind).orElse(bulkheadSettings.getDefaultConfig());
  }

  /** How many mailboxes hold bulkhead state now: those with a call running or waiting. */
  public int mailboxesInUse() {
    return mailboxes.size();
  }

  /**
   * Takes one of this mailbox's rate permits before each call that reaches the server; does nothing
   * for a kind without a rate limiter configuration.
   */
  RatePermits ratePermits(MailProvider provider, MailboxAccess access) {
    String kind = configName(provider);
    Optional<RateLimiterConfig> config = rateSettings.getConfiguration(kind);
    if (config.isEmpty()) {
      return RatePermits.NONE;
    }
    String key = kind + ":" + access.address().toLowerCase(Locale.ROOT);
    String address = access.address();
    // Looked up for each call rather than held: a session that outlives its limiter's eviction
    // (calls further apart than the limiter remembers) takes its next permit from the same
    // limiter as every other caller of its mailbox.
    return () -> take(key, config.get(), address);
  }

  private void take(String key, RateLimiterConfig config, String address) throws ProviderException {
    long now = System.nanoTime();
    MailboxRate rate =
        rates.compute(
            key,
            (k, existing) -> {
              MailboxRate r = existing != null ? existing : new MailboxRate(k, config);
              r.lastUsed = now;
              return r;
            });
    forgetQuietRates(now);
    if (!rate.limiter.acquirePermission()) {
      boolean interrupted = Thread.currentThread().isInterrupted();
      throw new ProviderException.Transient(
          interrupted
              ? "Waiting for a call to " + address + " within its rate limit was interrupted"
              : "More than "
                  + config.getLimitForPeriod()
                  + " calls to "
                  + address
                  + " per "
                  + shown(config.getLimitRefreshPeriod())
                  + " (its provider's quota); retried later",
          null);
    }
  }

  /**
   * Drops the rate limiters of mailboxes whose calls no longer count: a limiter last asked more
   * than its timeout (the furthest ahead a permit is reserved) plus one refresh period ago has all
   * its permits back, and a new one would admit no more than it. Runs at most every {@link
   * #SWEEP_EVERY}, on the calling thread; the map holds only the mailboxes called lately.
   */
  private void forgetQuietRates(long now) {
    long due = nextSweep.get();
    if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_EVERY.toNanos())) {
      forgetQuietRates();
    }
  }

  /** Drops every rate limiter whose mailbox's calls no longer count (see above). */
  void forgetQuietRates() {
    for (String key : rates.keySet()) {
      rates.computeIfPresent(key, (k, r) -> r.quiet(System.nanoTime()) ? null : r);
    }
  }

  /** How many mailboxes hold a rate limiter now: those called within their limiter's memory. */
  public int mailboxesRateLimited() {
    return rates.size();
  }

  /**
   * Runs a read under the kind's time limit. When it passes, {@code onTimeout} runs (closing the
   * session aborts the read's I/O) and the caller gets a transient failure to retry later.
   */
  <T> T timed(MailProvider provider, String what, Callable<T> read, Runnable onTimeout)
      throws ProviderException {
    TimeLimiter limiter =
        timeLimiters.timeLimiter(
            configName(provider),
            timeLimiters
                .getConfiguration(configName(provider))
                .orElse(timeLimiters.getDefaultConfig()));
    Duration limit = limiter.getTimeLimiterConfig().getTimeoutDuration();
    // The caller's logging context (mailbox, correlation id) goes with the read to its thread.
    Map<String, String> context = MDC.getCopyOfContextMap();
    Future<T> future =
        readers.submit(
            () -> {
              if (context != null) {
                MDC.setContextMap(context);
              }
              try {
                return read.call();
              } finally {
                MDC.clear();
              }
            });
    try {
      T result = future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      limiter.onSuccess();
      return result;
    } catch (TimeoutException e) {
      limiter.onError(e);
      future.cancel(true);
      onTimeout.run();
      // Without the TimeoutException as its cause: it is only this guard's own wait running out,
      // and the workers' Kafka error handler looks through causes for timeouts of Mailroom's own
      // servers (MongoDB, S3, Kafka), which it retries as an outage with the partition held.
      throw new ProviderException.Transient(
          what + " took longer than " + limit.toSeconds() + " s; retried later", null);
    } catch (InterruptedException e) {
      future.cancel(true);
      onTimeout.run();
      Thread.currentThread().interrupt();
      throw new ProviderException.Transient(what + " was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ProviderException failure) {
        throw failure;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Closes a session whose read was cut, without the caller waiting: a polite close may itself wait
   * on the server that stopped answering.
   */
  void closeInBackground(AutoCloseable session) {
    try {
      readers.execute(
          () -> {
            try {
              session.close();
            } catch (Exception e) {
              // Nothing more to release: the connection is being dropped anyway.
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down: the connection goes with the process.
    }
  }

  private static String shown(Duration period) {
    return period.toMillis() % 1000 == 0 ? period.toSeconds() + " s" : period.toMillis() + " ms";
  }

  static String configName(MailProvider provider) {
    return provider.kind().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }

  /** Takes a rate permit before a call that reaches the server. */
  @FunctionalInterface
  interface RatePermits {
    RatePermits NONE = () -> {};

    void take() throws ProviderException;
  }

  /** One mailbox's rate limiter and when a call last asked it for a permit. */
  private static final class MailboxRate {
    final RateLimiter limiter;
    final long memoryNanos;
    volatile long lastUsed; // set inside the map's compute functions

    MailboxRate(String name, RateLimiterConfig config) {
      this.limiter = RateLimiter.of(name, config);
      this.memoryNanos = config.getTimeoutDuration().plus(config.getLimitRefreshPeriod()).toNanos();
    }

    boolean quiet(long now) {
      return now - lastUsed > memoryNanos;
    }
  }

  /** One mailbox's bulkhead and how many callers hold or wait for it. */
  private static final class MailboxPermits {
    final Bulkhead bulkhead;
    int users; // changed only inside the map's compute functions

    MailboxPermits(String name, BulkheadConfig config) {
      this.bulkhead = Bulkhead.of(name, config);
    }
  }
}
