package dev.mailroom.infra.mail;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.infra.Ports;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;

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
        new NoDelayGreenMail(
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

  /**
   * GreenMail with TCP_NODELAY on every client connection, as real mail servers set it. Without it,
   * a response written in pieces waits for the client's delayed ACK: about 40 ms per IMAP command
   * with a literal (APPEND) or a multi-line answer (LIST), which made a send's Sent copy cost 90 ms
   * on this server alone.
   */
  private static final class NoDelayGreenMail extends GreenMail {
    NoDelayGreenMail(ServerSetup[] setups) {
      super(setups);
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] setups, Managers managers) {
      Map<String, AbstractServer> services = new HashMap<>();
      for (ServerSetup setup : setups) {
        AbstractServer server =
            switch (setup.getProtocol()) {
              case ServerSetup.PROTOCOL_SMTP -> new NoDelaySmtpServer(setup, managers);
              case ServerSetup.PROTOCOL_IMAP -> new NoDelayImapServer(setup, managers);
              default ->
                  throw new IllegalArgumentException("Unexpected protocol " + setup.getProtocol());
            };
        services.put(setup.getProtocol(), server);
      }
      return services;
    }
  }

  private static final class NoDelaySmtpServer extends SmtpServer {
    NoDelaySmtpServer(ServerSetup setup, Managers managers) {
      super(setup, managers);
    }

    @Override
    protected ProtocolHandler createProtocolHandler(Socket client) {
      noDelay(client);
      return super.createProtocolHandler(client);
    }
  }

  /** GreenMail's ImapServer is final; this is the same server with the socket option set. */
  private static final class NoDelayImapServer extends AbstractServer {
    NoDelayImapServer(ServerSetup setup, Managers managers) {
      super(setup, managers);
    }

    @Override
    protected ProtocolHandler createProtocolHandler(Socket client) {
      noDelay(client);
      return new ImapHandler(managers.getUserManager(), managers.getImapHostManager(), client);
    }
  }

  private static void noDelay(Socket client) {
    try {
      client.setTcpNoDelay(true);
    } catch (SocketException e) {
      // The connection is already gone; its handler will notice.
    }
  }
}
