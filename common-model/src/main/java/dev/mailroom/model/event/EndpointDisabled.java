package dev.mailroom.model.event;

import java.time.Instant;

/**
 * The dispatcher stopped delivering to a webhook endpoint: it answered 410 Gone, or failed
 * continuously for the configured window. {@code failingSince} is null for a 410. Tenant-level: the
 * envelope's subject (and Kafka key) is the endpoint id.
 */
public record EndpointDisabled(
    String tenantId,
    String endpointId,
    String url,
    String reason,
    Instant failingSince,
    Instant disabledAt)
    implements Event {
  @Override
  public <R> R match(Cases<R> cases) {
    return cases.endpointDisabled(this);
  }

  @Override
  public String mailboxId() {
    return null;
  }

  @Override
  public String partitionKey() {
    return endpointId;
  }
}
