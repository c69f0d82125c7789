package dev.mailroom.sync.receiver;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.hosted.HostedDomain;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import java.time.Duration;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Which hosted mailbox an SMTP recipient names: its domain gives the tenant (a point lookup), the
 * tenant and address give the mailbox. Two reads per recipient, whatever the number of tenants.
 */
@Component
class HostedRecipients {
  private final HostedDomainRepository domains;
  private final MailboxRepository mailboxes;

  HostedRecipients(HostedDomainRepository domains, MailboxRepository mailboxes) {
    this.domains = domains;
    this.mailboxes = mailboxes;
  }

  /** Why a recipient is not taken, in the words the sender is told. */
  sealed interface Lookup permits Found, NotHostedHere, NoSuchMailbox {}

  record Found(Mailbox mailbox) implements Lookup {}

  /** The domain is not one of the hosted ones: the receiver is no relay. */
  record NotHostedHere() implements Lookup {}

  /** A hosted domain, but no active hosted mailbox has the address. */
  record NoSuchMailbox() implements Lookup {}

  Lookup find(String recipient, Duration timeout) {
    String address = recipient.trim().toLowerCase(Locale.ROOT);
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1) {
      return new NoSuchMailbox();
    }
    HostedDomain domain = domains.findByName(address.substring(at + 1)).block(timeout);
    if (domain == null) {
      return new NotHostedHere();
    }
    Mailbox mailbox = mailboxes.findByAddress(domain.tenantId(), address).block(timeout);
    if (mailbox == null
        || mailbox.provider() != ProviderKind.HOSTED
        || mailbox.status() != MailboxStatus.ACTIVE
        || !mailbox.readEnabled()) {
      return new NoSuchMailbox();
    }
    return new Found(mailbox);
  }
}
