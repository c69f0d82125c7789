package dev.mailroom.provider.testing;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.FetchedBatch;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real adapter with faults tests can arm, for the failures that matter: the connection dropping
 * in the middle of a backfill, and a worker dying after the provider took a message but before
 * Mailroom recorded it. Each counter says how many more calls succeed before one fails; negative
 * means never.
 */
public final class FaultInjectingProvider implements MailProvider {
  /** Fetches left before one fails. */
  public static final AtomicInteger FETCHES_BEFORE_FAILURE = new AtomicInteger(-1);

  /** Runs {@link #FETCH_HOOK} once, before the fetch this many fetches from now (-1: never). */
  public static final AtomicInteger FETCHES_BEFORE_HOOK = new AtomicInteger(-1);

  /** What a test does between two fetches of a sync, e.g. delete the mailbox. */
  public static final java.util.concurrent.atomic.AtomicReference<Runnable> FETCH_HOOK =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Sent copies left before the worker "dies" right after one is made. */
  public static final AtomicInteger SENDS_BEFORE_CRASH = new AtomicInteger(-1);

  /** Folder listings left that fail as if the server could not be reached. */
  public static final AtomicInteger LISTINGS_TO_FAIL = new AtomicInteger(0);

  /** Folder listings left that fail with an unexpected fault, as a bug of ours would. */
  public static final AtomicInteger LISTINGS_TO_BREAK = new AtomicInteger(0);

  /**
   * While armed, a message carrying this header cannot be fetched: the server answers a fetch that
   * includes it with an error, as servers do for a message whose stored copy is damaged.
   */
  public static final String POISON_HEADER = "X-Test-Poison";

  public static final java.util.concurrent.atomic.AtomicBoolean POISON_ARMED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * While armed, a fetch silently leaves out every message carrying this header, as a server does
   * for a message it cannot find or read at that moment, without saying so.
   */
  public static final String OMITTED_HEADER = "X-Test-Omitted";

  public static final java.util.concurrent.atomic.AtomicBoolean OMISSIONS_ARMED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** While set, the server refuses every submission for good, as an SMTP 5xx reply does. */
  public static final java.util.concurrent.atomic.AtomicBoolean SUBMISSIONS_REFUSED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** While set, every submission fails as if the server could not be reached. */
  public static final java.util.concurrent.atomic.AtomicBoolean SUBMISSIONS_UNREACHABLE =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Sent copies left that fail as if the connection dropped, before anything is appended. */
  public static final AtomicInteger SENT_COPIES_TO_FAIL = new AtomicInteger(0);

  /** While set, the server refuses every Sent copy for good, as a full mailbox does. */
  public static final java.util.concurrent.atomic.AtomicBoolean SENT_COPIES_REFUSED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Submissions left after which the worker "dies" the moment the server accepted one, before it
   * can record anything: the window no protocol reply can close.
   */
  public static final AtomicInteger CRASHES_AFTER_SUBMIT = new AtomicInteger(0);

  /**
   * Submissions left that the server takes, after which the connection drops before its answer
   * reaches the worker, as a timeout waiting for the reply to the message data does.
   */
  public static final AtomicInteger SUBMISSIONS_UNCONFIRMED = new AtomicInteger(0);

  private final MailProvider delegate;

  public FaultInjectingProvider(MailProvider delegate) {
    this.delegate = delegate;
  }

  public static void disarm() {
    FETCHES_BEFORE_FAILURE.set(-1);
    FETCHES_BEFORE_HOOK.set(-1);
    FETCH_HOOK.set(null);
    SENDS_BEFORE_CRASH.set(-1);
    LISTINGS_TO_FAIL.set(0);
    LISTINGS_TO_BREAK.set(0);
    POISON_ARMED.set(false);
    OMISSIONS_ARMED.set(false);
    SUBMISSIONS_REFUSED.set(false);
    SENT_COPIES_TO_FAIL.set(0);
    SENT_COPIES_REFUSED.set(false);
    CRASHES_AFTER_SUBMIT.set(0);
    SUBMISSIONS_UNCONFIRMED.set(0);
    SUBMISSIONS_UNREACHABLE.set(false);
  }

  @Override
  public ProviderKind kind() {
    return delegate.kind();
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public ChangeWatch watch(MailboxAccess access, ChangeWatch.Listener listener)
      throws ProviderException {
    return delegate.watch(access, listener);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public Optional<String> submit(
      MailboxAccess access, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException {
    if (SUBMISSIONS_REFUSED.get()) {
      throw new ProviderException.Permanent("550 5.7.1 Submission refused", null);
    }
    if (SUBMISSIONS_UNREACHABLE.get()) {
      throw new ProviderException.Transient("connect timed out (injected)", null);
    }
    Optional<String> id = delegate.submit(access, raw, recipients, returnPath);
    if (CRASHES_AFTER_SUBMIT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("worker died after the server accepted (injected)");
    }
    if (SUBMISSIONS_UNCONFIRMED.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new ProviderException.Unconfirmed("read timed out after the data (injected)", null);
    }
    return id;
  }

  @Override
  public MailboxSession open(MailboxAccess access) throws ProviderException {
    return faulty(delegate.open(access));
  }

  @Override
  public MailboxSession openPooled(MailboxAccess access) throws ProviderException {
    return faulty(delegate.openPooled(access));
  }

  private static MailboxSession faulty(MailboxSession session) {
    return new MailboxSession() {
      @Override
      public SyncCursor cursorFor(java.util.Collection<ProviderRef> stored) {
        return session.cursorFor(stored);
      }

      @Override
      public ChangePage changes(SyncCursor cursor, int budget) throws ProviderException {
        if (LISTINGS_TO_FAIL.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new ProviderException.Transient("connection refused (injected)", null);
        }
        if (LISTINGS_TO_BREAK.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new IllegalStateException("internal fault (injected)");
        }
        return session.changes(cursor, budget);
      }

      @Override
      public FetchedBatch fetch(List<ProviderRef> refs, long maxBytes) throws ProviderException {
        if (FETCHES_BEFORE_HOOK.getAndDecrement() == 0) {
          Runnable hook = FETCH_HOOK.getAndSet(null);
          if (hook != null) {
            hook.run();
          }
        }
        if (FETCHES_BEFORE_FAILURE.getAndDecrement() == 0) {
          throw new ProviderException.Transient("connection dropped (injected)", null);
        }
        FetchedBatch batch = session.fetch(refs, maxBytes);
        List<FetchedMessage> fetched = batch.messages();
        if (OMISSIONS_ARMED.get()) {
          fetched =
              fetched.stream()
                  .filter(
                      m ->
                          !new String(m.raw().bytes(), java.nio.charset.StandardCharsets.ISO_8859_1)
                              .contains(OMITTED_HEADER + ":"))
                  .toList();
        }
        if (POISON_ARMED.get()
            && fetched.stream()
                .anyMatch(
                    m ->
                        new String(m.raw().bytes(), java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains(POISON_HEADER + ":"))) {
          throw new ProviderException.Permanent(
              "message data damaged on the server (injected)", null);
        }
        return new FetchedBatch(fetched, batch.deferred());
      }

      @Override
      public void setSeen(ProviderRef ref, boolean seen) throws ProviderException {
        session.setSeen(ref, seen);
      }

      @Override
      public void setLabels(ProviderRef ref, List<String> add, List<String> remove)
          throws ProviderException {
        session.setLabels(ref, add, remove);
      }

      @Override
      public Optional<ProviderRef> moveToTrash(ProviderRef ref) throws ProviderException {
        return session.moveToTrash(ref);
      }

      @Override
      public Optional<ProviderRef> findSent(String rfcMessageId) throws ProviderException {
        return session.findSent(rfcMessageId);
      }

      @Override
      public void appendToSent(byte[] raw) throws ProviderException {
        if (SENT_COPIES_TO_FAIL.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new ProviderException.Transient("connection dropped (injected)", null);
        }
        if (SENT_COPIES_REFUSED.get()) {
          throw new ProviderException.Permanent("NO [OVERQUOTA] Quota exceeded (injected)", null);
        }
        session.appendToSent(raw);
        if (SENDS_BEFORE_CRASH.getAndDecrement() == 0) {
          throw new ProviderException.Transient(
              "worker died after the provider accepted (injected)", null);
        }
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }
}
