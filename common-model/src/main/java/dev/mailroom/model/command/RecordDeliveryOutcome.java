package dev.mailroom.model.command;

import dev.mailroom.model.envelope.Command;
import java.time.Instant;
import java.util.List;

/**
 * What a provider reported about a message a mailbox sent (SES: a delivery, bounce, complaint or
 * reject notification), to be recorded on the message. The provider names it by its own id, the one
 * its submission answered with. Recording it twice changes nothing more than once.
 *
 * @param rfcMessageId the message's Message-ID as the provider quotes it, without angle brackets:
 *     what finds it when the report overtakes the record of its provider id; may be null
 * @param permanent for a bounce, whether the addresses will not take mail (a hard bounce)
 * @param detail the provider's words, for people; may be null
 */
public record RecordDeliveryOutcome(
    String commandId,
    String tenantId,
    String mailboxId,
    String providerMessageId,
    String rfcMessageId,
    Outcome outcome,
    List<String> recipients,
    boolean permanent,
    String detail,
    Instant occurredAt)
    implements Command {
  public RecordDeliveryOutcome {
    recipients = recipients == null ? List.of() : List.copyOf(recipients);
  }

  public enum Outcome {
    DELIVERED,
    BOUNCED,
    COMPLAINED,
    REJECTED
  }
}
