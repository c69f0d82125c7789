package dev.mailroom.model.event;

import java.time.Instant;
import java.util.List;

/** The receiving servers took a sent message for {@code recipients}, as the provider reported. */
public record MessageDelivered(
    String tenantId,
    String mailboxId,
    String messageId,
    List<String> recipients,
    Instant deliveredAt)
    implements Event, NamesMessage {
  public MessageDelivered {
    recipients = List.copyOf(recipients);
  }

  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageDelivered(this);
  }
}
