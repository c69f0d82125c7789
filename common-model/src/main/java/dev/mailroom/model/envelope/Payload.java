package dev.mailroom.model.envelope;

/** What an envelope carries: always scoped to one tenant and one mailbox. */
public interface Payload {
  String tenantId();

  String mailboxId();
}
