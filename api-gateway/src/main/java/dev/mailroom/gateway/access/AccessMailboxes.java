package dev.mailroom.gateway.access;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.UsableMailboxes;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.store.mailbox.MailboxIdentity;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The Email Access API's mailbox resolver: a token's permissions to the {@link MailboxScope} of one
 * operation, checked in the order its seeds imply: email access on the token (not enabled), then
 * the operation's own permission (not permitted), then at least one connected mailbox usable for it
 * (no usable mailbox).
 */
@Component
class AccessMailboxes {
  enum Use {
    READ,
    SEND
  }

  private final UsableMailboxes mailboxes;

  AccessMailboxes(UsableMailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  /**
   * As {@link #resolve} for a new send that names its mailbox by {@code sendFrom}: if that one is
   * usable, it alone is the scope, found by key instead of by listing the tenant's mailboxes.
   */
  Mono<MailboxScope> resolveSendFrom(Caller caller, String sendFrom, String operation) {
    if (sendFrom == null) {
      return resolve(caller, Use.SEND, operation);
    }
    return UsableMailboxes.permitted(caller, operation)
        .then(mailboxes.sendableAt(caller, sendFrom))
        .map(mailbox -> scope(caller, List.of(mailbox)))
        .switchIfEmpty(Mono.defer(() -> resolve(caller, Use.SEND, operation)));
  }

  /** Checks access and the operations, and returns the mailboxes the request may use. */
  Mono<MailboxScope> resolve(Caller caller, Use use, String... operations) {
    return UsableMailboxes.permitted(caller, operations)
        .then(Mono.defer(() -> usable(caller, use)));
  }

  private Mono<MailboxScope> usable(Caller caller, Use use) {
    return (use == Use.SEND ? mailboxes.sendable(caller) : mailboxes.readable(caller))
        .filter(usable -> !usable.isEmpty())
        .map(usable -> scope(caller, usable))
        .switchIfEmpty(
            Mono.error(
                () ->
                    new MailException.NoUsableMailbox(
                        use == Use.SEND
                            ? "No send-enabled email provider is connected"
                            : "No email provider is connected")));
  }

  private static MailboxScope scope(Caller caller, List<MailboxIdentity> usable) {
    return new MailboxScope(
        caller.tenantId(), usable, caller.token().permissions().visibleEmailFields());
  }
}
