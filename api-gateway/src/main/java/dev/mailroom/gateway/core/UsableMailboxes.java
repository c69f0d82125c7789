package dev.mailroom.gateway.core;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.mailbox.MailboxRepository;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Which of its tenant's mailboxes a token may read from or send from: identities only, without sync
 * state, server settings or secret.
 */
@Component
public class UsableMailboxes {
  private final MailboxRepository mailboxes;

  public UsableMailboxes(MailboxRepository mailboxes) {
    this.mailboxes = mailboxes;
  }

  public Mono<List<MailboxIdentity>> readable(Caller caller) {
    return visible(caller).map(all -> all.stream().filter(MailboxIdentity::readEnabled).toList());
  }

  public Mono<List<MailboxIdentity>> sendable(Caller caller) {
    return visible(caller).map(all -> all.stream().filter(MailboxIdentity::sendEnabled).toList());
  }

  /**
   * The send-enabled mailbox at this address if the token may use it, by one indexed read however
   * many mailboxes the tenant has; empty otherwise. Addresses are stored in lower case.
   */
  public Mono<MailboxIdentity> sendableAt(Caller caller, String address) {
    return mailboxes
        .identityByAddress(caller.tenantId(), address.strip().toLowerCase(Locale.ROOT))
        .filter(m -> m.sendEnabled() && inScope(caller, m.id()));
  }

  private Mono<List<MailboxIdentity>> visible(Caller caller) {
    return mailboxes
        .identitiesByTenant(caller.tenantId())
        .filter(m -> inScope(caller, m.id()))
        .collectList();
  }

  /** Whether the token's mailbox scope (empty: every mailbox of its tenant) includes this one. */
  public static boolean inScope(Caller caller, String mailboxId) {
    List<String> scope = caller.token().permissions().mailboxIds();
    return scope == null || scope.isEmpty() || scope.contains(mailboxId);
  }
}
