package dev.mailroom.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.ProviderSettings;
import dev.mailroom.store.mailbox.ServerEndpoint;
import dev.mailroom.store.mailbox.SyncState;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MailboxAccessFactoryTest {
  private final CredentialCipher cipher =
      new CredentialCipher(Base64.getEncoder().encodeToString(new byte[32]));
  private final MailboxAccessFactory factory =
      new MailboxAccessFactory(
          cipher,
          new HostedRelayProperties("relay.example.net", 587, "starttls", "mailroom", "pw"));

  private Mailbox mailbox(ProviderSettings settings) {
    return new Mailbox(
        "mbx_1",
        "ten_1",
        1,
        ProviderKind.IMAP,
        "ada@example.com",
        null,
        true,
        true,
        true,
        MailboxStatus.ACTIVE,
        settings,
        cipher.encrypt("hunter2", "ten_1", "mbx_1"),
        SyncState.never(),
        Instant.EPOCH);
  }

  @Test
  void imapSmtpSettingsBecomeAPasswordLoginWithTheDecryptedSecret() {
    MailboxAccess access =
        factory.accessFor(
            mailbox(
                new ImapSmtpSettings(
                    new ServerEndpoint("imap.example.com", 993, "tls"),
                    new ServerEndpoint("smtp.example.com", 587, "starttls"),
                    "ada")));

    assertThat(access)
        .isEqualTo(
            new PasswordAccess(
                "ada@example.com",
                "ada",
                "hunter2",
                new MailboxAccess.Endpoint("imap.example.com", 993, "tls"),
                new MailboxAccess.Endpoint("smtp.example.com", 587, "starttls")));
    assertThat(access.toString()).doesNotContain("hunter2");
  }

  @Test
  void aHostedMailboxSendsThroughTheDeploymentsRelayAndReadsNothingElsewhere() {
    MailboxAccess access = factory.accessFor(mailbox(new HostedSettings("example.com")));

    assertThat(access)
        .isEqualTo(
            new PasswordAccess(
                "ada@example.com",
                "mailroom",
                "pw",
                null,
                new MailboxAccess.Endpoint("relay.example.net", 587, "starttls")));
  }

  @Test
  void withoutARelayAHostedMailboxHasNoOutgoingServer() {
    MailboxAccess access =
        new MailboxAccessFactory(cipher, new HostedRelayProperties("", 587, "starttls", "", ""))
            .accessFor(mailbox(new HostedSettings("example.com")));

    assertThat(access).isEqualTo(new PasswordAccess("ada@example.com", null, null, null, null));
  }

  @Test
  void aMailboxStoredWithoutSettingsMustBeConnectedAgain() {
    assertThatThrownBy(() -> factory.accessFor(mailbox(null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mbx_1")
        .hasMessageContaining("no provider settings yet");
  }
}
