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
  RECEIVED
}
