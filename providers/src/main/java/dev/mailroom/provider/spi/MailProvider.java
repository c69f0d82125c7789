package dev.mailroom.provider.spi;

import dev.mailroom.model.message.ProviderKind;
import java.util.Set;

/** One adapter per provider (IMAP/SMTP, Gmail, Graph, SES); workers pick one by kind. */
public interface MailProvider {
  ProviderKind kind();

  Set<Capability> capabilities();

  MailboxSession open(MailboxAccess access) throws ProviderException;
}
