package dev.mailroom.model.event;

import dev.mailroom.model.message.MessageSnapshot;

/** Genuinely new inbound mail; never emitted for a backfill or resync. */
public record MessageReceived(String tenantId, String mailboxId, MessageSnapshot message)
    implements Event {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageReceived(this);
  }
}
