package dev.mailroom.store.webhook;

public enum DeliveryStatus {
  /** Due at {@code nextAttemptAt}, or in flight while its lease runs. */
  PENDING,
  SUCCEEDED,
  /** The schedule ran out, or the endpoint was disabled; a replay makes it pending again. */
  FAILED
}
