package dev.mailroom.store.hosted;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.message.MessageRepository;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * Which hosted mailbox an address names: its domain gives the tenant (a point lookup), the tenant
 * and address give the mailbox. Two reads per address, whatever the number of tenants. Used where
 * mail for the hosted domains arrives (the SMTP receiver, SES's receipt notifications) and where a
 * provider's report names the address a message was sent from. A message's return path ({@link
 * ReturnPaths}) names the mailbox that sent it, so reports sent back to it are that mailbox's mail.
 */
public class HostedRecipients {
  private final HostedDomainRepository domains;
  private final MailboxRepository mailboxes;
  private final MessageRepository messages;
  private final ReturnPaths returnPaths;

  public HostedRecipients(
      HostedDomainRepository domains,
      MailboxRepository mailboxes,
      MessageRepository messages,
      ReturnPaths returnPaths) {
    this.domains = domains;
    this.mailboxes = mailboxes;
    this.messages = messages;
    this.returnPaths = returnPaths;
  }

  /** Why a recipient is not taken, in the words the sender is told. */
  public sealed interface Lookup permits Found, NotHostedHere, NoSuchMailbox {}

  public record Found(Mailbox mailbox) implements Lookup {}

  /** The domain is not one of the hosted ones: the receiver is no relay. */
  public record NotHostedHere() implements Lookup {}

  /** A hosted domain, but no active hosted mailbox that takes mail has the address. */
  public record NoSuchMailbox() implements Lookup {}

  /** The active hosted mailbox that takes mail at {@code recipient}, or why there is none. */
  public Mono<Lookup> find(String recipient) {
    String domain = domainOf(recipient);
    if (domain == null) {
      return Mono.just(new NoSuchMailbox());
    }
    String address = recipient.trim().toLowerCase(Locale.ROOT);
    if (ReturnPaths.looksLikeOne(address)) {
      return domains
          .findByName(domain)
          .flatMap(found -> sender(found.tenantId(), address))
          .map(mailbox -> (Lookup) new Found(mailbox))
          .defaultIfEmpty(new NoSuchMailbox());
    }
    return domains
        .findByName(domain)
        .flatMap(
            found ->
                mailboxes
                    .findByAddress(found.tenantId(), address)
                    .filter(
                        mailbox ->
                            mailbox.provider() == ProviderKind.HOSTED
                                && mailbox.status() == MailboxStatus.ACTIVE
                                && mailbox.readEnabled())
                    .map(mailbox -> (Lookup) new Found(mailbox))
                    .defaultIfEmpty(new NoSuchMailbox()))
        .defaultIfEmpty(new NotHostedHere());
  }

  /**
   * The hosted mailbox at {@code address} whatever its state: a report about mail it sent still
   * belongs to it while it is paused.
   */
  public Mono<Mailbox> hosted(String address) {
    String domain = domainOf(address);
    if (domain == null) {
      return Mono.empty();
    }
    String lower = address.trim().toLowerCase(Locale.ROOT);
    return domains
        .findByName(domain)
        .flatMap(found -> mailboxes.findByAddress(found.tenantId(), lower))
        .filter(mailbox -> mailbox.provider() == ProviderKind.HOSTED);
  }

  /**
   * The hosted mailbox that sent the message a return path names, whatever the mailbox's state: a
   * report about its mail is its own. Empty for an address this deployment did not make.
   */
  private Mono<Mailbox> sender(String tenantId, String returnPath) {
    return Mono.justOrEmpty(returnPaths.messageId(returnPath))
        .flatMap(messageId -> messages.findByIdIncludingDeleted(tenantId, messageId))
        .flatMap(message -> mailboxes.findById(tenantId, message.mailboxId()))
        .filter(mailbox -> mailbox.provider() == ProviderKind.HOSTED);
  }

  private static String domainOf(String address) {
    String lower = address.trim().toLowerCase(Locale.ROOT);
    int at = lower.lastIndexOf('@');
    return at <= 0 || at == lower.length() - 1 ? null : lower.substring(at + 1);
  }
}
