package dev.mailroom.worker;

import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.ServerSettings;

/** Decrypts a mailbox's secret for one provider operation. */
public class MailboxAccessFactory {
  private final CredentialCipher cipher;

  public MailboxAccessFactory(CredentialCipher cipher) {
    this.cipher = cipher;
  }

  public MailboxAccess accessFor(Mailbox mailbox) {
    ServerSettings server = mailbox.server();
    return new PasswordAccess(
        mailbox.address(),
        server.username(),
        cipher.decrypt(mailbox.secret(), mailbox.tenantId(), mailbox.id()),
        new MailboxAccess.Endpoint(server.imapHost(), server.imapPort(), server.imapSecurity()),
        new MailboxAccess.Endpoint(server.smtpHost(), server.smtpPort(), server.smtpSecurity()));
  }
}
