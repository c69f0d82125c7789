package dev.mailroom.model.event;

import java.time.Instant;
import java.util.List;

/**
 * A sent message came back undelivered: a delivery status notification reported that delivery to
 * {@code recipients} failed.
 *
 * @param bounceType {@code hard} when the failure is permanent (status 5.x.x: the address will not
 *     take mail), else {@code soft}
 * @param diagnostic the remote server's words, for people; may be null
 */
public record MessageBounced(
    String tenantId,
    String mailboxId,
    String messageId,
    List<String> recipients,
    String bounceType,
    String diagnostic,
    Instant bouncedAt)
    implements Event, NamesMessage {
  public MessageBounced {
    recipients = List.copyOf(recipients);
  }

  @Override
  public <R> R match(Cases<R> cases) {
    return cases.messageBounced(this);
  }
}
