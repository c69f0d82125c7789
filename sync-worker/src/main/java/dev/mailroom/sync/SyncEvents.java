package dev.mailroom.sync;

import dev.mailroom.model.event.Event;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Publishes the sync worker's events and waits for Kafka to take each one. */
@Component
class SyncEvents {
  static final String SOURCE = "/mailroom/sync-worker";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final EnvelopePublisher publisher;

  SyncEvents(EnvelopePublisher publisher) {
    this.publisher = publisher;
  }

  void publish(Event event, String correlationId) {
    publisher.publish(event, SOURCE, correlationId).block(TIMEOUT);
  }
}
