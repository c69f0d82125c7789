package dev.mailroom.infra.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.infra.Ports;

/**
 * An SMTP + IMAP server (GreenMail) with local users. Mail is delivered to local users' INBOX; it
 * has IDLE, MOVE and UIDPLUS but no CONDSTORE, and keeps mail in memory only.
 */
public final class EmbeddedMailServer implements AutoCloseable {
  private final GreenMail greenMail;
  private final MailServerEndpoint endpoint;

  public EmbeddedMailServer(String host, int smtpPort, int imapPort) {
    int smtp = Ports.resolve(smtpPort);
    int imap = Ports.resolve(imapPort);
    this.greenMail =
        new GreenMail(
            new ServerSetup[] {
              new ServerSetup(smtp, host, ServerSetup.PROTOCOL_SMTP),
              new ServerSetup(imap, host, ServerSetup.PROTOCOL_IMAP)
            });
    greenMail.start();
    this.endpoint = new MailServerEndpoint(host, smtp, imap);
  }

  /** Creates (or resets the password of) a local user whose login is the address itself. */
  public void addUser(String email, String password) {
    greenMail.setUser(email, email, password);
  }

  public MailServerEndpoint endpoint() {
    return endpoint;
  }

  /** The underlying server, for tests that inspect what arrived. */
  public GreenMail greenMail() {
    return greenMail;
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
