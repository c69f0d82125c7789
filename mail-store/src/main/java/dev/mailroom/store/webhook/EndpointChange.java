package dev.mailroom.store.webhook;

import java.util.List;

/**
 * A change to a subscription, applied at once: a null field stays as it is. {@code enabled: true}
 * re-enables (and forgets why it was disabled and any failure streak); {@code false} disables it as
 * its owner's choice.
 */
public record EndpointChange(
    String url,
    List<String> eventTypes,
    List<String> mailboxIds,
    String description,
    Boolean enabled) {

  /** The reason recorded when an endpoint is disabled through the API. */
  public static final String DISABLED_BY_OWNER = "disabled through the API";
}
