package dev.mailroom.model.event;

import dev.mailroom.model.message.MessageSnapshot;

public record MessageSent(
    String tenantId, String mailboxId, String commandId, MessageSnapshot message) implements Event {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageSent(this);
  }
}
