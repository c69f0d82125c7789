package dev.mailroom.model.event;

import java.time.Instant;
import java.util.List;

public record MessageUpdated(
    String tenantId,
    String mailboxId,
    String messageId,
    boolean read,
    List<String> labels,
    Instant changedAt)
    implements Event, NamesMessage {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageUpdated(this);
  }
}
