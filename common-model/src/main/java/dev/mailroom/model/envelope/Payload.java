package dev.mailroom.model.envelope;

/** What an envelope carries: always scoped to one tenant, and usually to one mailbox. */
public interface Payload {
  String tenantId();

  /** The mailbox the payload is about, or null for a tenant-level event. */
  String mailboxId();

  /**
   * What the envelope is about: its CloudEvents {@code subject} and Kafka key, so one subject's
   * records stay in order. The mailbox, unless a tenant-level event names its own resource.
   */
  default String partitionKey() {
    return mailboxId();
  }
}
