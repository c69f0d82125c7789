package dev.mailroom.provider.guard;

import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session behind its provider's guard: it holds a permit of its mailbox's bulkhead until closed,
 * its calls go through the host's circuit, each takes a permit of its mailbox's rate limiter (where
 * its kind has one), and its reads are time-limited. A read cut by the limit closes the session, so
 * its I/O is aborted; later calls on it fail as transient.
 */
final class GuardedSession implements MailboxSession {
  private final MailboxSession session;
  private final MailProvider provider;
  private final ProviderGuard guard;
  private final CircuitBreaker circuit;
  private final ProviderGuard.RatePermits rate;
  private final Runnable release;
  private final String address;
  private final AtomicBoolean cut = new AtomicBoolean();

  GuardedSession(
      MailboxSession session,
      MailProvider provider,
      ProviderGuard guard,
      CircuitBreaker circuit,
      ProviderGuard.RatePermits rate,
      Runnable release,
      String address) {
    this.session = session;
    this.provider = provider;
    this.guard = guard;
    this.circuit = circuit;
    this.rate = rate;
    this.release = release;
    this.address = address;
  }

  @Override
  public ChangePage changes(SyncCursor cursor, int budget) throws ProviderException {
    return read("Listing changes of " + address, () -> session.changes(cursor, budget));
  }

  @Override
  public SyncCursor cursorFor(Collection<ProviderRef> stored) {
    return session.cursorFor(stored);
  }

  @Override
  public FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) throws ProviderException {
    return read(
        "Fetching " + refs.size() + " messages of " + address, () -> session.fetch(refs, maxBytes));
  }

  @Override
  public Optional<ProviderRef> findSent(String rfcMessageId) throws ProviderException {
    return read("Looking for a sent copy in " + address, () -> session.findSent(rfcMessageId));
  }

  // Changes to the mailbox are not time-limited: one still running after its caller gave up could
  // take effect after the retry did. The connection's own timeouts bound them.

  @Override
  public void setSeen(ProviderRef ref, boolean seen) throws ProviderException {
    change(
        () -> {
          session.setSeen(ref, seen);
          return null;
        });
  }

  @Override
  public void setLabels(ProviderRef ref, List<String> add, List<String> remove)
      throws ProviderException {
    change(
        () -> {
          session.setLabels(ref, add, remove);
          return null;
        });
  }

  @Override
  public Optional<ProviderRef> moveToTrash(ProviderRef ref) throws ProviderException {
    return change(() -> session.moveToTrash(ref));
  }

  @Override
  public void appendToSent(byte[] raw) throws ProviderException {
    change(
        () -> {
          session.appendToSent(raw);
          return null;
        });
  }

  private <T> T read(String what, Callable<T> call) throws ProviderException {
    usable();
    return GuardedProvider.through(
        circuit,
        rate,
        () ->
            guard.timed(
                provider,
                what,
                call,
                () -> {
                  if (cut.compareAndSet(false, true)) {
                    guard.closeInBackground(session);
                  }
                }));
  }

  private <T> T change(GuardedProvider.Call<T> call) throws ProviderException {
    usable();
    return GuardedProvider.through(circuit, rate, call);
  }

  private void usable() throws ProviderException {
    if (cut.get()) {
      throw new ProviderException.Transient(
          "The connection to " + address + " was closed after a call took too long", null);
    }
  }

  @Override
  public void close() {
    try {
      if (!cut.get()) {
        session.close();
      }
    } finally {
      release.run();
    }
  }
}
