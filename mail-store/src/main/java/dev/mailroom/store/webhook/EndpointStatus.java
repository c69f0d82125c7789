package dev.mailroom.store.webhook;

public enum EndpointStatus {
  ENABLED,
  /** Nothing is delivered until a person re-enables it; pending deliveries fail when due. */
  DISABLED
}
