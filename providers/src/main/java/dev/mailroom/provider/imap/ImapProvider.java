package dev.mailroom.provider.imap;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/** Any IMAP server (with SMTP for sending), through Eclipse Angus Mail. */
public final class ImapProvider implements MailProvider {
  /** How often an idling connection is renewed; well inside RFC 2177's 29 minutes. */
  public static final Duration IDLE_KEEPALIVE = Duration.ofMinutes(10);

  /** How long a connection is kept after its last use; servers allow far longer. */
  static final Duration KEEP_CONNECTIONS = Duration.ofSeconds(30);

  /** Connections kept at most, SMTP and IMAP together. */
  static final int MAX_KEPT_CONNECTIONS = 500;

  /** For parsing raw bytes into a message to submit; carries no connection settings. */
  private static final Session PARSING = Session.getInstance(new Properties());

  private final Duration timeout;
  private final ImapIdleWatcher idle;
  private final Map<String, AtomicReference<String>> sentFolders = new ConcurrentHashMap<>();
  private final IdleConnections connections;

  public ImapProvider(Duration timeout) {
    this(timeout, IDLE_KEEPALIVE, Clock.systemUTC());
  }

  public ImapProvider(Duration timeout, Clock clock) {
    this(timeout, IDLE_KEEPALIVE, clock);
  }

  public ImapProvider(Duration timeout, Duration idleKeepalive, Clock clock) {
    this.timeout = timeout;
    this.idle = new ImapIdleWatcher(idleKeepalive);
    this.connections = new IdleConnections(KEEP_CONNECTIONS, MAX_KEPT_CONNECTIONS, clock);
  }

  @Override
  public ProviderKind kind() {
    return ProviderKind.IMAP;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(
        Capability.READ,
        Capability.SEND,
        Capability.INCREMENTAL_SYNC,
        Capability.FLAG_CHANGE_SYNC,
        Capability.PUSH_NOTIFICATIONS,
        Capability.FOLDERS,
        Capability.SERVER_SIDE_SEARCH);
  }

  /**
   * Submits over a connection kept from this mailbox's previous submission when it still answers,
   * else over a new one; the connection is kept only after a successful submission.
   */
  @Override
  public Optional<String> submit(
      MailboxAccess mailbox, byte[] raw, List<String> recipients, String returnPath)
      throws ProviderException {
    PasswordAccess access = passwordOf(mailbox);
    MailboxAccess.Endpoint endpoint = access.outgoing();
    String key = IdleConnections.key("smtp", endpoint, access);
    Transport transport = connections.take(key, Transport.class);
    Transmitted message = null;
    try {
      if (transport == null) {
        transport = newTransport(access);
        transport.connect(endpoint.host(), endpoint.port(), access.username(), access.secret());
      }
      message = new Transmitted(PARSING, new ByteArrayInputStream(raw));
      if (returnPath != null) {
        message.setEnvelopeFrom(returnPath);
      }
      Address[] to = new Address[recipients.size()];
      for (int i = 0; i < to.length; i++) {
        to[i] = new InternetAddress(recipients.get(i));
      }
      transport.sendMessage(message, to);
      connections.park(key, transport);
      return Optional.empty(); // SMTP gives a message no id of its own
    } catch (MessagingException e) {
      String what = "SMTP submission to " + endpoint.host() + ":" + endpoint.port();
      // The whole message went out and the server's answer to it did not come back: a reply lost
      // to a dropped connection or a timeout may have been 250. Retrying could deliver it twice.
      // (A refusal of the data is an answer, and a failure while writing it leaves the server
      // without the final dot, so it cannot have taken the message.)
      boolean inData =
          message != null && message.transmitted && !(e instanceof SMTPSendFailedException);
      if (transport != null) {
        IdleConnections.close(transport);
      }
      if (inData) {
        throw new ProviderException.Unconfirmed(
            what
                + ": the connection failed while the server was taking the message ("
                + e.getMessage()
                + ")",
            e);
      }
      throw ImapErrors.mapSmtp(what, e);
    }
  }

  /** A message that knows when it has been written out whole, data and all, to the server. */
  private static final class Transmitted extends SMTPMessage {
    volatile boolean transmitted;

    Transmitted(Session session, java.io.InputStream raw) throws MessagingException {
      super(session, raw);
    }

    @Override
    public void writeTo(java.io.OutputStream os, String[] ignoreList)
        throws java.io.IOException, MessagingException {
      super.writeTo(os, ignoreList);
      transmitted = true;
    }
  }

  /**
   * Logs in over IMAP and then SMTP and logs out again, keeping no connection: whether a mailbox's
   * credentials work, before it is stored. Failures come from the same error table as every other
   * operation, so a network failure is never reported as a refused login.
   */
  public void checkLogin(MailboxAccess mailbox) throws ProviderException {
    PasswordAccess access = passwordOf(mailbox);
    IdleConnections.close(connect(access, false));
    MailboxAccess.Endpoint endpoint = access.outgoing();
    Transport transport = null;
    try {
      transport = newTransport(access);
      transport.connect(endpoint.host(), endpoint.port(), access.username(), access.secret());
    } catch (MessagingException e) {
      throw ImapErrors.mapSmtp("SMTP login to " + endpoint.host() + ":" + endpoint.port(), e);
    } finally {
      if (transport != null) {
        IdleConnections.close(transport);
      }
    }
  }

  private Transport newTransport(PasswordAccess access) throws MessagingException {
    MailboxAccess.Endpoint endpoint = access.outgoing();
    Properties props = connectionProperties("smtp", endpoint, true);
    props.put(
        "mail." + protocol("smtp", endpoint) + ".auth",
        Boolean.toString(access.username() != null));
    return Session.getInstance(props).getTransport(protocol("smtp", endpoint));
  }

  /** {@code imap} or {@code smtp}, with an {@code s} for implicit TLS. */
  private static String protocol(String family, MailboxAccess.Endpoint endpoint) {
    return "tls".equalsIgnoreCase(endpoint.security()) ? family + "s" : family;
  }

  /**
   * What every connection of a protocol family needs: connect and write timeouts, a read timeout
   * unless the connection is to idle, TCP_NODELAY on plain sockets, and STARTTLS when asked.
   */
  private Properties connectionProperties(
      String family, MailboxAccess.Endpoint endpoint, boolean readTimeout) {
    String protocol = protocol(family, endpoint);
    Properties props = new Properties();
    String ms = Long.toString(timeout.toMillis());
    props.put("mail." + protocol + ".connectiontimeout", ms);
    props.put("mail." + protocol + ".writetimeout", ms);
    if (readTimeout) {
      props.put("mail." + protocol + ".timeout", ms);
    }
    if (protocol.equals(family) && readTimeout) {
      // Not when idling: IdleManager needs a socket channel, which this factory does not make.
      props.put("mail." + family + ".socketFactory", NoDelaySocketFactory.INSTANCE);
    }
    if ("starttls".equalsIgnoreCase(endpoint.security())) {
      props.put("mail." + family + ".starttls.enable", "true");
      props.put("mail." + family + ".starttls.required", "true");
    }
    return props;
  }

  @Override
  public MailboxSession open(MailboxAccess mailbox) throws ProviderException {
    Store store = connect(passwordOf(mailbox), false);
    return new ImapSession(store, IdleConnections::close, new AtomicReference<>());
  }

  /** A session over this mailbox's kept IMAP connection if it still answers, else a new one. */
  @Override
  public MailboxSession openPooled(MailboxAccess mailbox) throws ProviderException {
    PasswordAccess access = passwordOf(mailbox);
    String key = IdleConnections.key("imap", access.incoming(), access);
    Store store = connections.take(key, Store.class);
    if (sentFolders.size() > MAX_KEPT_CONNECTIONS * 20) {
      sentFolders.clear(); // names only; found again by listing
    }
    return new ImapSession(
        store != null ? store : connect(access, false),
        kept -> connections.park(key, kept),
        sentFolders.computeIfAbsent(key, k -> new AtomicReference<>()));
  }

  @Override
  public ChangeWatch watch(MailboxAccess mailbox, ChangeWatch.Listener listener)
      throws ProviderException {
    return idle.watch(connect(passwordOf(mailbox), true), listener);
  }

  /** Closes every connection this adapter holds: IDLE watches and kept connections. */
  @Override
  public void close() {
    idle.close();
    connections.close();
  }

  /**
   * IMAP and SMTP log in with a password; another credential (an OAuth grant) cannot be used here
   * however often it is retried.
   */
  private static PasswordAccess passwordOf(MailboxAccess mailbox)
      throws ProviderException.Permanent {
    if (mailbox instanceof PasswordAccess password) {
      return password;
    }
    throw new ProviderException.Permanent(
        "IMAP/SMTP needs a username and password, not " + mailbox, null);
  }

  private Store connect(PasswordAccess access, boolean forIdle) throws ProviderException {
    MailboxAccess.Endpoint endpoint = access.incoming();
    String protocol = protocol("imap", endpoint);
    Properties props = connectionProperties("imap", endpoint, !forIdle);
    // Fetching a message for sync must never mark it read at the provider.
    props.put("mail." + protocol + ".peek", "true");
    // A large message is streamed in chunks of this size (partial fetch): large enough that a
    // 50 MB message takes 50 round trips rather than 3,200 at the default of 16 KB.
    props.put("mail." + protocol + ".fetchsize", String.valueOf(1 << 20));
    if (forIdle) {
      // IdleManager selects on the socket's channel; an idle connection has no read timeout.
      props.put("mail." + protocol + ".usesocketchannels", "true");
    }
    Session session = Session.getInstance(props);
    try {
      Store store = session.getStore(protocol);
      store.connect(endpoint.host(), endpoint.port(), access.username(), access.secret());
      return store;
    } catch (MessagingException e) {
      throw ImapErrors.map("IMAP connect to " + endpoint.host() + ":" + endpoint.port(), e);
    }
  }
}
