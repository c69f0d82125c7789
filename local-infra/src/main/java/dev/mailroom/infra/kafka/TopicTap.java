package dev.mailroom.infra.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain Kafka consumer in a group of its own, for tests: what arrives on a topic, from its
 * beginning.
 */
public final class TopicTap implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

  public TopicTap(String bootstrap, String topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "group.id",
                "test-tap-" + UUID.randomUUID(),
                "auto.offset.reset",
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** The first record (seen before or polled now) that matches, or an assertion error. */
  public ConsumerRecord<String, byte[]> await(
      Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (ConsumerRecord<String, byte[]> record : seen) {
        if (match.test(record)) {
          return record;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("No matching record within " + timeout + " among " + seen.size());
      }
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  /** Everything that arrives within {@code window}, added to what was seen. */
  public List<ConsumerRecord<String, byte[]>> drain(Duration window) {
    pollFor(window);
    return List.copyOf(seen);
  }

  /**
   * Only what arrives within {@code window}, for callers that read a long stream piece by piece (it
   * is kept for {@link #await} and {@link #drain} too).
   */
  public List<ConsumerRecord<String, byte[]>> arrivals(Duration window) {
    int before = seen.size();
    pollFor(window);
    return List.copyOf(seen.subList(before, seen.size()));
  }

  private void pollFor(Duration window) {
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
