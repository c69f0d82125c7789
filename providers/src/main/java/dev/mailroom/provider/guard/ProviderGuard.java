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
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li>a <b>time limiter around reads</b> (open, list changes, fetch, find a sent copy): the
 *       caller is released when the limit passes and the session is closed, which aborts its I/O.
 *       Calls that change the mailbox or send mail are never abandoned, since one still running
 *       could take effect after the caller retried it; they are bounded by the connection's
 *       timeouts.
 * </ul>
 *
 * <p>Settings come from the registries' configurations named after the provider kind in lower case
 * ({@code imap}, {@code gmail}), else their defaults. Circuit breakers live in the given registry,
 * so its metrics show them; bulkheads are kept per mailbox only while in use, so a million idle
 * mailboxes hold none.
 */
public final class ProviderGuard implements AutoCloseable {
  private final CircuitBreakerRegistry circuits;
  private final BulkheadRegistry bulkheadSettings;
  private final TimeLimiterRegistry timeLimiters;
  private final ExecutorService readers;
  private final ConcurrentHashMap<String, MailboxPermits> mailboxes = new ConcurrentHashMap<>();

  public ProviderGuard(
      CircuitBreakerRegistry circuits,
      BulkheadRegistry bulkheadSettings,
      TimeLimiterRegistry timeLimiters) {
    this.circuits = circuits;
    this.bulkheadSettings = bulkheadSettings;
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
      throw new ProviderException.Transient(
          what + " took longer than " + limit.toSeconds() + " s; retried later", e);
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

  static String configName(MailProvider provider) {
    return provider.kind().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    readers.shutdownNow();
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
