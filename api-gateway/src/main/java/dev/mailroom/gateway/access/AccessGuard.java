package dev.mailroom.gateway.access;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.UsableMailboxes;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.store.mailbox.Mailbox;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The Email Access API's checks, in the order its seeds imply: email access on the token (422
 * EMAIL_NOT_ENABLED), then the operation's own permission (403), then at least one connected
 * mailbox usable for it (422 NO_EMAIL_PROVIDER).
 */
@Component
class AccessGuard {
  enum Use {
    READ,
    SEND
  }

  private final UsableMailboxes mailboxes;

  AccessGuard(UsableMailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  /**
   * As {@link #authorize} for a new send that names its mailbox by {@code sendFrom}: if that one is
   * usable, it alone is returned, found by key instead of by listing the tenant's mailboxes.
   */
  Mono<List<Mailbox>> authorizeSendFrom(Caller caller, String sendFrom, String operation) {
    if (sendFrom == null) {
      return authorize(caller, Use.SEND, operation);
    }
    return permitted(caller, operation)
        .then(mailboxes.sendableAt(caller, sendFrom))
        .map(List::of)
        .switchIfEmpty(Mono.defer(() -> authorize(caller, Use.SEND, operation)));
  }

  /** Checks access and the operations, and returns the mailboxes the request may use. */
  Mono<List<Mailbox>> authorize(Caller caller, Use use, String... operations) {
    return permitted(caller, operations).then(Mono.defer(() -> usable(caller, use)));
  }

  private Mono<List<Mailbox>> usable(Caller caller, Use use) {
    return (use == Use.SEND ? mailboxes.sendable(caller) : mailboxes.readable(caller))
        .filter(usable -> !usable.isEmpty())
        .switchIfEmpty(
            Mono.error(
                () ->
                    new ApiException(
                        HttpStatus.UNPROCESSABLE_ENTITY,
                        "NO_EMAIL_PROVIDER",
                        use == Use.SEND
                            ? "No send-enabled email provider is connected"
                            : "No email provider is connected")));
  }

  private static Mono<Void> permitted(Caller caller, String... operations) {
    var permissions = caller.token().permissions();
    if (!permissions.emailAccessEnabled()) {
      return Mono.error(
          new ApiException(
              HttpStatus.UNPROCESSABLE_ENTITY,
              "EMAIL_NOT_ENABLED",
              "Email access is not enabled for this token"));
    }
    for (String operation : operations) {
      if (!permissions.allows(operation)) {
        return Mono.error(
            new ApiException(
                HttpStatus.FORBIDDEN, "FORBIDDEN", "Token does not allow " + operation));
      }
    }
    return Mono.empty();
  }
}
