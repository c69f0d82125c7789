package dev.mailroom.model.event;

import java.time.Instant;

/**
 * The provider took a message and then refused to send it to anyone (SES: it found a virus), so it
 * never left.
 *
 * @param reason the provider's words, for people
 */
public record MessageRejected(
    String tenantId, String mailboxId, String messageId, String reason, Instant rejectedAt)
    implements Event, NamesMessage {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageRejected(this);
  }
}
