package dev.mailroom.model.event;

import java.time.Instant;

/** A send that will not be retried; {@code reason} is one of the provider error categories. */
public record MessageFailed(
    String tenantId,
    String mailboxId,
    String commandId,
    String messageId,
    String reason,
    String errorMessage,
    Instant failedAt)
    implements Event, NamesMessage {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageFailed(this);
  }
}
