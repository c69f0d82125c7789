package dev.mailroom.infra.mail;

import dev.mailroom.infra.Ports;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.subethamail.smtp.helper.SimpleMessageListener;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server in front of a {@link DovecotServer}, as a mail server's MTA would be: mail for one
 * of Dovecot's users is delivered to that user's INBOX, mail for anyone else is refused at RCPT.
 * Debian's Dovecot package has no SMTP side; this makes a Dovecot mailbox one that Mailroom can
 * send from and receive at, so that journeys run on a full IMAP server too.
 */
public final class DovecotSmtpFront implements AutoCloseable {
  private final SMTPServer server;

  private DovecotSmtpFront(SMTPServer server) {
    this.server = server;
  }

  public static DovecotSmtpFront start(DovecotServer dovecot) {
    SMTPServer server =
        SMTPServer.port(0)
            .bindAddress(loopback())
            .hostName("dovecot-front.local")
            .simpleMessageListener(
                new SimpleMessageListener() {
                  @Override
                  public boolean accept(String from, String recipient) {
                    // Refused at RCPT (553), as a server does for an unknown user.
                    return dovecot.hasUser(recipient.toLowerCase(Locale.ROOT));
                  }

                  @Override
                  public void deliver(String from, String recipient, java.io.InputStream data)
                      throws java.io.IOException {
                    dovecot.deliver(
                        recipient.toLowerCase(Locale.ROOT), "INBOX", data.readAllBytes(), false);
                  }
                })
            .build();
    server.start();
    return new DovecotSmtpFront(server);
  }

  public int port() {
    return server.getPortAllocated();
  }

  @Override
  public void close() {
    server.stop();
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName(Ports.LOOPBACK);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
