package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.OAuthAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.TokenSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.helper.SimpleMessageListener;
import org.subethamail.smtp.server.SMTPServer;

@WithMailroomInfrastructure
class ImapProviderTest {
  private final ImapProvider provider = new ImapProvider(Duration.ofSeconds(5));

  private static PasswordAccess access(EmbeddedMailServer mail, String user, String password) {
    var endpoint = mail.endpoint();
    return new PasswordAccess(
        user,
        user,
        password,
        new MailboxAccess.Endpoint(endpoint.host(), endpoint.imapPort(), "none"),
        new MailboxAccess.Endpoint(endpoint.host(), endpoint.smtpPort(), "none"));
  }

  @Test
  void listsFoldersWithTheirCountersAndRoles(EmbeddedMailServer mail) throws Exception {
    mail.addUser("folders@mailroom.local", "pw");
    try (MailboxSession session = provider.open(access(mail, "folders@mailroom.local", "pw"))) {
      ImapFolderStatus inbox =
          ((ImapSession) session)
              .folders().stream().filter(f -> f.name().equals("INBOX")).findFirst().orElseThrow();
      assertThat(inbox.role()).isEqualTo("inbox");
      assertThat(inbox.uidValidity()).isPositive();
      assertThat(inbox.uidNext()).isPositive();
      assertThat(inbox.messages()).isZero();
    }
  }

  @Test
  void aRefusedPasswordIsAnAuthFailure(EmbeddedMailServer mail) {
    mail.addUser("auth@mailroom.local", "right");
    assertThatThrownBy(() -> provider.open(access(mail, "auth@mailroom.local", "wrong")))
        .isInstanceOf(ProviderException.AuthRevoked.class);
  }

  @Test
  void anUnreachableServerIsTransientNeverAnAuthFailure() {
    int closed = Ports.freePort();
    PasswordAccess access =
        new PasswordAccess(
            "x@mailroom.local",
            "x@mailroom.local",
            "pw",
            new MailboxAccess.Endpoint(Ports.LOOPBACK, closed, "none"),
            new MailboxAccess.Endpoint(Ports.LOOPBACK, closed, "none"));
    assertThatThrownBy(() -> provider.open(access)).isInstanceOf(ProviderException.Transient.class);
  }

  @Test
  void aSubmissionWhoseAnswerNeverComesIsUnconfirmedNotTransient() throws Exception {
    java.util.concurrent.atomic.AtomicInteger taken =
        new java.util.concurrent.atomic.AtomicInteger();
    SMTPServer slow =
        SMTPServer.port(0)
            .bindAddress(java.net.InetAddress.getByName(Ports.LOOPBACK))
            .simpleMessageListener(
                new SimpleMessageListener() {
                  @Override
                  public boolean accept(String from, String recipient) {
                    return true;
                  }

                  @Override
                  public void deliver(String from, String recipient, java.io.InputStream data)
                      throws java.io.IOException {
                    data.readAllBytes();
                    taken.incrementAndGet();
                    try {
                      // Longer than the client's read timeout: its 250 is never seen.
                      Thread.sleep(3_000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .build();
    slow.start();
    try {
      PasswordAccess access =
          new PasswordAccess(
              "s@mailroom.local",
              null,
              null,
              new MailboxAccess.Endpoint(Ports.LOOPBACK, slow.getPortAllocated(), "none"),
              new MailboxAccess.Endpoint(Ports.LOOPBACK, slow.getPortAllocated(), "none"));
      byte[] raw = "Subject: s\r\nFrom: s@mailroom.local\r\n\r\nbody\r\n".getBytes();
      assertThatThrownBy(
              () ->
                  new ImapProvider(Duration.ofSeconds(1))
                      .submit(access, raw, java.util.List.of("r@example.com")))
          .isInstanceOf(ProviderException.Unconfirmed.class)
          .hasMessageContaining("while the server was taking the message");
      assertThat(taken).as("the server did take it").hasValue(1);
    } finally {
      slow.stop();
    }
  }

  @Test
  void anOAuthGrantIsRefusedAsPermanentWithoutConnecting() {
    OAuthAccess oauth =
        new OAuthAccess(
            "g@example.com",
            new TokenSource.Stored(new TokenSource.AccessToken("ya29.token", null)));
    assertThatThrownBy(() -> provider.open(oauth))
        .isInstanceOf(ProviderException.Permanent.class)
        .hasMessageContaining("username and password")
        .hasMessageNotContaining("ya29");
    assertThatThrownBy(() -> provider.submit(oauth, new byte[0], java.util.List.of("a@b.example")))
        .isInstanceOf(ProviderException.Permanent.class);
    assertThatThrownBy(() -> provider.watch(oauth, null))
        .isInstanceOf(ProviderException.Permanent.class);
  }

  @Test
  void accessIsWrittenWithoutItsSecret() {
    MailboxAccess.Endpoint endpoint = new MailboxAccess.Endpoint("mail.example.com", 993, "tls");
    assertThat(new PasswordAccess("a@example.com", "a", "hunter2", endpoint, endpoint).toString())
        .doesNotContain("hunter2");
  }
}
