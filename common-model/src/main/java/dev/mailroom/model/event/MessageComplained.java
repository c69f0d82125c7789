package dev.mailroom.model.event;

import java.time.Instant;
import java.util.List;

/**
 * A recipient marked a sent message as spam (a feedback loop report, as the provider relayed it);
 * the address is then not sent to again.
 *
 * @param feedbackType the report's type ({@code abuse}, {@code not-spam}, ...); may be null
 */
public record MessageComplained(
    String tenantId,
    String mailboxId,
    String messageId,
    List<String> recipients,
    String feedbackType,
    Instant complainedAt)
    implements Event, NamesMessage {
  public MessageComplained {
    recipients = List.copyOf(recipients);
  }

  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageComplained(this);
  }
}
