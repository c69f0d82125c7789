package dev.mailroom.provider.imap;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/** Any IMAP server (with SMTP for sending), through Eclipse Angus Mail. */
public final class ImapProvider implements MailProvider {
  /** How often an idling connection is renewed; well inside RFC 2177's 29 minutes. */
  public static final Duration IDLE_KEEPALIVE = Duration.ofMinutes(10);

  private final Duration timeout;
  private final ImapIdleWatcher idle;

  public ImapProvider(Duration timeout) {
    this(timeout, IDLE_KEEPALIVE);
  }

  public ImapProvider(Duration timeout, Duration idleKeepalive) {
    this.timeout = timeout;
    this.idle = new ImapIdleWatcher(idleKeepalive);
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
        Capability.PUSH_NOTIFICATIONS);
  }

  @Override
  public void submit(MailboxAccess access, byte[] raw, List<String> recipients)
      throws ProviderException {
    MailboxAccess.Endpoint endpoint = access.outgoing();
    boolean tls = "tls".equalsIgnoreCase(endpoint.security());
    String protocol = tls ? "smtps" : "smtp";
    Properties props = new Properties();
    String ms = Long.toString(timeout.toMillis());
    props.put("mail." + protocol + ".connectiontimeout", ms);
    props.put("mail." + protocol + ".timeout", ms);
    props.put("mail." + protocol + ".writetimeout", ms);
    props.put("mail." + protocol + ".auth", Boolean.toString(access.username() != null));
    if ("starttls".equalsIgnoreCase(endpoint.security())) {
      props.put("mail.smtp.starttls.enable", "true");
      props.put("mail.smtp.starttls.required", "true");
    }
    Session session = Session.getInstance(props);
    try (Transport transport = session.getTransport(protocol)) {
      MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
      transport.connect(endpoint.host(), endpoint.port(), access.username(), access.secret());
      Address[] to = new Address[recipients.size()];
      for (int i = 0; i < to.length; i++) {
        to[i] = new InternetAddress(recipients.get(i));
      }
      transport.sendMessage(message, to);
    } catch (MessagingException e) {
      throw ImapErrors.mapSmtp("SMTP submission to " + endpoint.host() + ":" + endpoint.port(), e);
    }
  }

  @Override
  public MailboxSession open(MailboxAccess access) throws ProviderException {
    return new ImapSession(connect(access, false));
  }

  @Override
  public ChangeWatch watch(MailboxAccess access, ChangeWatch.Listener listener)
      throws ProviderException {
    return idle.watch(connect(access, true), listener);
  }

  /** Stops every IDLE connection this adapter holds. */
  @Override
  public void close() {
    idle.close();
  }

  private Store connect(MailboxAccess access, boolean forIdle) throws ProviderException {
    MailboxAccess.Endpoint endpoint = access.incoming();
    boolean tls = "tls".equalsIgnoreCase(endpoint.security());
    String protocol = tls ? "imaps" : "imap";
    Properties props = new Properties();
    // Fetching a message for sync must never mark it read at the provider.
    props.put("mail." + protocol + ".peek", "true");
    String ms = Long.toString(timeout.toMillis());
    props.put("mail." + protocol + ".connectiontimeout", ms);
    props.put("mail." + protocol + ".writetimeout", ms);
    if (forIdle) {
      // IdleManager selects on the socket's channel; an idle connection has no read timeout.
      props.put("mail." + protocol + ".usesocketchannels", "true");
    } else {
      props.put("mail." + protocol + ".timeout", ms);
    }
    if ("starttls".equalsIgnoreCase(endpoint.security())) {
      props.put("mail.imap.starttls.enable", "true");
      props.put("mail.imap.starttls.required", "true");
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
