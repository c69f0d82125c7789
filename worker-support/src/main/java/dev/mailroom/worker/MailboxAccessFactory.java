package dev.mailroom.worker;

import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.ProviderSettings;
import dev.mailroom.store.mailbox.ServerEndpoint;

/** Decrypts a mailbox's secret for one provider operation. */
public class MailboxAccessFactory {
  private final CredentialCipher cipher;
  private final HostedRelayProperties relay;

  public MailboxAccessFactory(CredentialCipher cipher, HostedRelayProperties relay) {
    this.cipher = cipher;
    this.relay = relay;
  }

  /**
   * The access its stored settings call for. Throws IllegalStateException for a mailbox without
   * settings: one stored before settings had a shape per provider that the store's start-up upgrade
   * (MailboxSettingsUpgrade) has not rewritten yet; the sync is retried after it has.
   */
  public MailboxAccess accessFor(Mailbox mailbox) {
    ProviderSettings settings = mailbox.settings();
    if (settings == null) {
      throw new IllegalStateException(
          "Mailbox " + mailbox.id() + " has no provider settings yet (stored before the upgrade)");
    }
    if (settings instanceof HostedSettings) {
      // No login of its own: it reads from the store and sends through the deployment's relay.
      return new PasswordAccess(
          mailbox.address(),
          relay.username().isEmpty() ? null : relay.username(),
          relay.password().isEmpty() ? null : relay.password(),
          null,
          relay.host().isEmpty()
              ? null
              : new MailboxAccess.Endpoint(relay.host(), relay.port(), relay.security()));
    }
    String secret = cipher.decrypt(mailbox.secret(), mailbox.tenantId(), mailbox.id());
    // One branch per permitted settings record (no pattern switch on Java 17).
    if (settings instanceof ImapSmtpSettings imapSmtp) {
      return new PasswordAccess(
          mailbox.address(),
          imapSmtp.username(),
          secret,
          endpoint(imapSmtp.imap()),
          endpoint(imapSmtp.smtp()));
    }
    throw new IllegalStateException(
        "No access for " + settings.getClass().getSimpleName() + " of mailbox " + mailbox.id());
  }

  private static MailboxAccess.Endpoint endpoint(ServerEndpoint server) {
    return new MailboxAccess.Endpoint(server.host(), server.port(), server.security());
  }
}
