package dev.mailroom.gateway.mail.change;

import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.gateway.mail.MessageWrites;
import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.store.message.StoredMessage;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Read state, labels and deletion of messages in a scope, for every route family. */
@Component
public class MailChanges {
  private final MailReads reads;
  private final MessageWrites writes;

  public MailChanges(MailReads reads, MessageWrites writes) {
    this.reads = reads;
    this.writes = writes;
  }

  /** Applies {@code change}; returns the message as it is afterwards. */
  public Mono<StoredMessage> modify(
      MailboxScope scope, String emailId, ReadChange change, String correlationId) {
    return Mono.defer(
        () -> {
          if (!change.changesReadState() && !change.changesLabels()) {
            return Mono.error(
                MailException.InvalidInput.of(
                    "body", "give markAsRead, addLabels or removeLabels"));
          }
          change.problems().orThrow();
          return reads
              .find(scope, emailId)
              .flatMap(
                  m ->
                      writes.modify(
                          m, change.markAsRead(), change.add(), change.remove(), correlationId));
        });
  }

  /** Moves the message to Trash (see {@link MessageWrites#delete}). */
  public Mono<Void> delete(MailboxScope scope, String emailId, String correlationId) {
    return reads.find(scope, emailId).flatMap(m -> writes.delete(m, correlationId));
  }

  /**
   * As {@link #delete}, for the families whose delete hides a message (seeds 003 and 004): one
   * already in Trash is gone, so it is not found rather than deleted again.
   */
  public Mono<Void> deleteOutsideTrash(MailboxScope scope, String emailId, String correlationId) {
    return reads.findOutsideTrash(scope, emailId).flatMap(m -> writes.delete(m, correlationId));
  }
}
