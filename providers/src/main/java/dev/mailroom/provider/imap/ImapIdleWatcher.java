package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.ProviderException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.event.ConnectionAdapter;
import jakarta.mail.event.ConnectionEvent;
import jakarta.mail.event.MessageChangedListener;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.IdleManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IMAP IDLE (RFC 2177) on many INBOXes with few threads: Angus Mail's {@link IdleManager} waits on
 * every idling connection with one selector and hands notifications to a small pool. Each watch
 * holds one IMAP connection. IDLE is renewed every {@code keepalive} (a NOOP, then IDLE again),
 * since servers may drop a connection idle for 30 minutes and NAT boxes sooner.
 */
final class ImapIdleWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImapIdleWatcher.class);

  private final Duration keepalive;
  private final Set<InboxWatch> watches = ConcurrentHashMap.newKeySet();
  private ExecutorService notifications;
  private ScheduledExecutorService renewals;
  private IdleManager manager;

  ImapIdleWatcher(Duration keepalive) {
    this.keepalive = keepalive;
  }

  private synchronized IdleManager manager() throws IOException {
    if (manager == null || !manager.isRunning()) {
      notifications = Executors.newFixedThreadPool(2, daemon("imap-idle-"));
      renewals = Executors.newSingleThreadScheduledExecutor(daemon("imap-idle-renewal-"));
      manager = new IdleManager(Session.getInstance(new Properties()), notifications);
      long period = keepalive.toMillis();
      renewals.scheduleWithFixedDelay(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    }
    return manager;
  }

  /** {@code store} is connected with socket channels, as IdleManager needs. */
  ChangeWatch watch(Store store, ChangeWatch.Listener listener) throws ProviderException {
    try {
      IMAPStore imap = (IMAPStore) store;
      if (!imap.hasCapability("IDLE")) {
        store.close();
        throw new ProviderException.Permanent("The IMAP server does not offer IDLE", null);
      }
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      InboxWatch watch = new InboxWatch(store, inbox, listener);
      watches.add(watch);
      watch.start();
      return watch;
    } catch (MessagingException | IOException e) {
      closeQuietly(store);
      throw ImapErrors.map("IMAP IDLE on INBOX", e);
    }
  }

  private void renewAll() {
    for (InboxWatch watch : watches) {
      watch.renew();
    }
  }

  private final class InboxWatch implements ChangeWatch {
    private final Store store;
    private final IMAPFolder inbox;
    private final Listener listener;
    private final AtomicBoolean over = new AtomicBoolean();

    InboxWatch(Store store, IMAPFolder inbox, Listener listener) {
      this.store = store;
      this.inbox = inbox;
      this.listener = listener;
    }

    void start() throws MessagingException, IOException {
      inbox.addMessageCountListener(
          new MessageCountAdapter() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
              notified();
            }

            @Override
            public void messagesRemoved(MessageCountEvent e) {
              notified();
            }
          });
      inbox.addMessageChangedListener((MessageChangedListener) e -> notified());
      inbox.addConnectionListener(
          new ConnectionAdapter() {
            @Override
            public void closed(ConnectionEvent e) {
              end(new ProviderException.Transient("IMAP connection closed", null));
            }
          });
      manager().watch(inbox);
    }

    /**
     * A notification stops the watch; it is resumed before the listener hears of it. Resuming and
     * the keepalive's renewal take turns on the connection: IDLE's start reads the server's answer
     * blocking, and the other, having handed the channel to the IdleManager's selector, would leave
     * it in non-blocking mode under that read (an IllegalBlockingModeException).
     */
    private void notified() {
      if (over.get()) {
        return;
      }
      synchronized (this) {
        idleAgain();
      }
      listener.changed();
    }

    private void idleAgain() {
      try {
        manager().watch(inbox);
      } catch (MessagingException | IOException e) {
        end(ImapErrors.map("IMAP IDLE renewal", e));
      }
    }

    /** Any command ends IDLE; a NOOP also proves the connection is alive. */
    synchronized void renew() {
      if (over.get()) {
        return;
      }
      try {
        inbox.doCommand(
            protocol -> {
              protocol.simpleCommand("NOOP", null);
              return null;
            });
        idleAgain();
      } catch (MessagingException e) {
        end(ImapErrors.map("IMAP IDLE keepalive", e));
      }
    }

    private void end(ProviderException cause) {
      if (over.compareAndSet(false, true)) {
        watches.remove(this);
        closeQuietly(store);
        listener.ended(cause);
      }
    }

    @Override
    public void close() {
      if (over.compareAndSet(false, true)) {
        watches.remove(this);
        closeQuietly(store);
      }
    }
  }

  private static void closeQuietly(Store store) {
    try {
      store.close();
    } catch (MessagingException e) {
      log.debug("Closing an IDLE connection", e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    java.util.concurrent.atomic.AtomicInteger count =
        new java.util.concurrent.atomic.AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public synchronized void close() {
    watches.forEach(InboxWatch::close);
    if (manager != null) {
      manager.stop();
      notifications.shutdownNow();
      renewals.shutdownNow();
      manager = null;
    }
  }
}
