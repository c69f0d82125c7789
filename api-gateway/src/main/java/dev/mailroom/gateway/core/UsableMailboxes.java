package dev.mailroom.gateway.core;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.mail.MailException;
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

  /**
   * The tenant's mailbox at this address, by one indexed read, whatever the token may do with it:
   * the families that name a mailbox in the path tell "not yours to use" from "no such mailbox".
   */
  public Mono<MailboxIdentity> atAddress(Caller caller, String address) {
    return mailboxes.identityByAddress(caller.tenantId(), address.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * The tenant's mailbox with this id, whatever the token may do with it (as {@link #atAddress}).
   */
  public Mono<MailboxIdentity> withId(Caller caller, String id) {
    return mailboxes.identityById(caller.tenantId(), id);
  }

  /**
   * Checks that the token has email access and allows each of the operations (the Email Access
   * API's names, which every family gates its routes by).
   */
  public static Mono<Void> permitted(Caller caller, String... operations) {
    var permissions = caller.token().permissions();
    if (!permissions.emailAccessEnabled()) {
      return Mono.error(new MailException.NotEnabled("Email access is not enabled for this token"));
    }
    for (String operation : operations) {
      if (!permissions.allows(operation)) {
        return Mono.error(new MailException.NotPermitted("Token does not allow " + operation));
      }
    }
    return Mono.empty();
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
