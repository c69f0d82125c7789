package dev.mailroom.gateway.core;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.store.mailbox.MailboxIdentity;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The mailbox resolver of the route families that name one mailbox in the path (seed 003 by
 * address, seed 004 by inbox id): the token's permissions and the mailbox to the {@link
 * MailboxScope} of that mailbox alone. Each family says how it words a mailbox that does not exist
 * and one the token may not use, since one answers 403 where the other answers 404.
 */
public final class NamedMailboxes {
  private NamedMailboxes() {}

  /**
   * What the request does with the mailbox: reading needs it read-enabled, sending send-enabled.
   */
  public enum Use {
    READ,
    SEND
  }

  /** How a family refuses a mailbox: missing altogether, or there but not the caller's to use. */
  public record Refusals(Supplier<MailException> missing, Supplier<MailException> notYours) {}

  /**
   * Checks the token's email access and operations, then that the mailbox exists, is within the
   * token's mailboxes and is enabled for {@code use}.
   */
  public static Mono<MailboxScope> scope(
      Caller caller,
      Mono<MailboxIdentity> mailbox,
      Use use,
      Refusals refusals,
      String... operations) {
    return UsableMailboxes.permitted(caller, operations)
        // These families have no separate "not enabled" answer: it is one more refusal.
        .onErrorMap(
            MailException.NotEnabled.class, e -> new MailException.NotPermitted(e.getMessage()))
        .then(Mono.defer(() -> wholeMessages(caller)))
        .then(mailbox)
        .switchIfEmpty(Mono.error(refusals.missing()))
        .flatMap(
            found -> {
              if (!UsableMailboxes.inScope(caller, found.id())) {
                return Mono.error(refusals.notYours().get());
              }
              if (use == Use.READ ? !found.readEnabled() : !found.sendEnabled()) {
                return Mono.error(
                    new MailException.NotPermitted(
                        "Mailbox "
                            + found.address()
                            + " is not enabled for "
                            + (use == Use.READ ? "reading" : "sending")));
              }
              return Mono.just(new MailboxScope(caller.tenantId(), List.of(found), List.of()));
            });
  }

  /**
   * These families show whole messages and have no way to leave a field out, so a token that may
   * see only some fields cannot use them: answering would show it the rest.
   */
  private static Mono<Void> wholeMessages(Caller caller) {
    List<String> visible = caller.token().permissions().visibleEmailFields();
    return visible == null || visible.isEmpty()
        ? Mono.empty()
        : Mono.error(
            new MailException.NotPermitted(
                "This token may see only some email fields (visibleEmailFields); this API shows"
                    + " whole messages, so it needs a token that may see them all"));
  }
}
