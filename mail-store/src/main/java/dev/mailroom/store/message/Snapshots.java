package dev.mailroom.store.message;

import dev.mailroom.model.message.MessageSnapshot;

/** Stored messages as events describe them. */
public final class Snapshots {
  private Snapshots() {}

  public static MessageSnapshot of(StoredMessage m) {
    return new MessageSnapshot(
        m.id(),
        m.tenantId(),
        m.mailboxId(),
        m.threadId(),
        m.rfcMessageId(),
        m.providerMessageId(),
        m.from(),
        m.to(),
        m.cc(),
        m.bcc(),
        m.subject(),
        m.snippet(),
        m.labels(),
        m.attachments(),
        m.direction(),
        m.status(),
        m.createdAt(),
        m.updatedAt());
  }
}
