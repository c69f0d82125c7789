package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.Ports;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@WithMailroomInfrastructure
class ImapProviderTest {
  private final ImapProvider provider = new ImapProvider(Duration.ofSeconds(5));

  private static MailboxAccess access(EmbeddedMailServer mail, String user, String password) {
    var endpoint = mail.endpoint();
    return new MailboxAccess(
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
    MailboxAccess access =
        new MailboxAccess(
            "x@mailroom.local",
            "x@mailroom.local",
            "pw",
            new MailboxAccess.Endpoint(Ports.LOOPBACK, closed, "none"),
            new MailboxAccess.Endpoint(Ports.LOOPBACK, closed, "none"));
    assertThatThrownBy(() -> provider.open(access)).isInstanceOf(ProviderException.Transient.class);
  }
}
