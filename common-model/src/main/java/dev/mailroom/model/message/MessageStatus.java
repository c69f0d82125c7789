package dev.mailroom.model.message;

/**
 * The union of the statuses the seed route families expose; each family maps it to its own words.
 */
public enum MessageStatus {
  QUEUED,
  SENDING,
  SENT,
  DELIVERED,
  BOUNCED,
  COMPLAINED,
  REJECTED,
  FAILED,
  RECEIVED,
  /**
   * Handed to the provider by a worker that stopped before it could record the answer, by a
   * provider that keeps no copy to ask: it may or may not have been sent, and is not sent again.
   */
  UNKNOWN
}
