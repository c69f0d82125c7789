package dev.mailroom.provider.guard;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** An adapter behind its {@link ProviderGuard}. */
final class GuardedProvider implements MailProvider {
  /** Marks an open that was given up on: whatever it opens later is closed at once. */
  private static final Object ABANDONED = new Object();

  private final MailProvider provider;
  private final ProviderGuard guard;

  GuardedProvider(MailProvider provider, ProviderGuard guard) {
    this.provider = provider;
    this.guard = guard;
  }

  @Override
  public ProviderKind kind() {
    return provider.kind();
  }

  @Override
  public Set<Capability> capabilities() {
    return provider.capabilities();
  }

  @Override
  public MailboxSession open(MailboxAccess access) throws ProviderException {
    return open(access, false);
  }

  @Override
  public MailboxSession openPooled(MailboxAccess access) throws ProviderException {
    return open(access, true);
  }

  private MailboxSession open(MailboxAccess access, boolean pooled) throws ProviderException {
    CircuitBreaker circuit = guard.circuit(provider, access, true);
    ProviderGuard.RatePermits rate = guard.ratePermits(provider, access);
    Runnable release = guard.acquire(provider, access);
    AtomicReference<Object> opened = new AtomicReference<>();
    try {
      MailboxSession session =
          through(
              circuit,
              rate,
              () ->
                  guard.timed(
                      provider,
                      "Connecting to " + access.address(),
                      () -> {
                        MailboxSession s =
                            pooled ? provider.openPooled(access) : provider.open(access);
                        if (!opened.compareAndSet(null, s)) {
                          s.close(); // the caller gave up waiting for it
                        }
                        return s;
                      },
                      () -> {
                        Object late = opened.getAndSet(ABANDONED);
                        if (late instanceof MailboxSession s) {
                          guard.closeInBackground(s);
                        }
                      }));
      return new GuardedSession(session, provider, guard, circuit, rate, release, access.address());
    } catch (ProviderException | RuntimeException | Error e) {
      release.run();
      throw e;
    }
  }

  @Override
  public Optional<String> submit(
      MailboxAccess access, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException {
    CircuitBreaker circuit = guard.circuit(provider, access, false);
    Runnable release = guard.acquire(provider, access);
    try {
      // Never time-limited: a submission still running when its caller gave up could deliver the
      // message after the retry delivered it too. The connection's own timeouts bound it.
      return through(
          circuit,
          guard.ratePermits(provider, access),
          () -> provider.submit(access, raw, recipients, returnPath));
    } finally {
      release.run();
    }
  }

  @Override
  public ChangeWatch watch(MailboxAccess access, ChangeWatch.Listener listener)
      throws ProviderException {
    // A watch holds its connection for hours: it answers to the host's circuit, not to the
    // mailbox's bulkhead, which is for the calls that come and go. Starting it is a call like any
    // other for the mailbox's rate limit; what it hears afterwards is not.
    return through(
        guard.circuit(provider, access, true),
        guard.ratePermits(provider, access),
        () -> provider.watch(access, listener));
  }

  @Override
  public void close() {
    provider.close();
  }

  interface Call<T> {
    T run() throws ProviderException;
  }

  /**
   * One call through a circuit: refused at once while it is open; a transient failure (the server
   * did not answer as a server) counts against it, any answer for it. A call the circuit lets
   * through then takes a rate permit of its mailbox; one refused there never reached the server and
   * does not count, and one the open circuit refused took no permit.
   */
  static <T> T through(CircuitBreaker circuit, ProviderGuard.RatePermits rate, Call<T> call)
      throws ProviderException {
    if (!circuit.tryAcquirePermission()) {
      throw new ProviderException.Transient(
          "Calls to "
              + circuit.getName()
              + " are paused after repeated connection failures (circuit open); retried later",
          null);
    }
    try {
      rate.take();
    } catch (ProviderException | RuntimeException | Error e) {
      circuit.releasePermission();
      throw e;
    }
    long started = System.nanoTime();
    try {
      T result = call.run();
      circuit.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      return result;
    } catch (ProviderException.Transient | ProviderException.Unconfirmed e) {
      circuit.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      throw e;
    } catch (ProviderException e) {
      circuit.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      throw e;
    } catch (RuntimeException | Error e) {
      circuit.releasePermission();
      throw e;
    }
  }
}
