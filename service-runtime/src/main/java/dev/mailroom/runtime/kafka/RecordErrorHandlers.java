package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.MalformedEnvelopeException;
import dev.mailroom.model.envelope.UnknownPayloadTypeException;
import dev.mailroom.model.envelope.UnsupportedCommandException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The error handler of every consumer binding: the binding's own retries (its {@code max-attempts}
 * and back-off), then its dead-letter topic; a failure because MongoDB, S3 or Kafka is away is
 * retried for the outage window instead; records that can never succeed skip the retries. Before a
 * record is dead-lettered, the service settles what it was for ({@link RecordsGivenUp}).
 */
final class RecordErrorHandlers {
  private RecordErrorHandlers() {}

  /**
   * @param group the consumer group, named in the metric of records given up on
   * @param deadLetters where a record given up on goes (its binding's {@code dlq-name})
   * @param backOff the binding's retry back-off, or null when it retries nothing
   * @param deliveries deliveries in all, the first and its retries ({@code max-attempts})
   */
  static DefaultErrorHandler create(
      String group,
      KafkaOperations<?, ?> kafka,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> deadLetters,
      BackOff backOff,
      int deliveries,
      Duration outageRetryWindow,
      MeterRegistry meters,
      List<RecordsGivenUp> settlers) {
    DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, deadLetters);
    BackOff retries = backOff == null ? new FixedBackOff(0L, 0L) : backOff;
    // The outage back-off paces itself like the binding's retries (defaults if it has none).
    long initialInterval = 500;
    long maxInterval = 10_000;
    if (retries instanceof ExponentialBackOff exponential) {
      initialInterval = exponential.getInitialInterval();
      maxInterval = exponential.getMaxInterval();
      // Jitter spreads the retries of many records that failed together (a provider outage).
      exponential.setJitter(initialInterval / 2);
    }
    // The attempt that failed last, per record, as the retry listener below is told it; the
    // recoverer reports it with the record given up on.
    Map<TopicPartitionOffset, Integer> lastAttempt = new ConcurrentHashMap<>();
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (record, exception) -> {
              Integer attempt = lastAttempt.remove(at(record));
              RecordFailureLog.givenUp(
                  record, exception, attempt == null ? 1 : attempt, deliveries);
              // What an operator alerts on: records given up on, per topic and group.
              meters
                  .counter("mailroom.kafka.dead_lettered", "topic", record.topic(), "group", group)
                  .increment();
              // The service settles what the record was for (a send becomes failed) before the
              // record goes where only an operator looks.
              settlers.forEach(settler -> settler.settle(record, exception));
              recoverer.accept(record, exception);
            },
            retries);
    // Every failed attempt is worth a line (retries are otherwise silent until they run out), but
    // only one: the last attempt is reported, with its stack trace, by the recoverer above.
    handler.setRetryListeners(
        new RetryListener() {
          @Override
          public void failedDelivery(
              ConsumerRecord<?, ?> record, Exception exception, int attempt) {
            lastAttempt.put(at(record), attempt);
            if (InfrastructureOutages.isOutage(exception)) {
              RecordFailureLog.retryingThroughOutage(record, exception, attempt);
            } else if (attempt < deliveries) {
              RecordFailureLog.retrying(record, exception, attempt, deliveries);
            }
          }

          @Override
          public void recovered(ConsumerRecord<?, ?> record, Exception exception) {
            lastAttempt.remove(at(record));
          }
        });
    // The container would otherwise log each retry again, as an ERROR with a stack trace.
    handler.setLogLevel(KafkaException.Level.DEBUG);
    // A server away fails every record alike: waiting is the cure, and dead-lettering would turn
    // a restart of MongoDB or S3 into failed sends.
    ExponentialBackOff outageBackOff = new ExponentialBackOff(initialInterval, 2.0);
    outageBackOff.setMaxInterval(maxInterval);
    outageBackOff.setMaxElapsedTime(outageRetryWindow.toMillis());
    outageBackOff.setJitter(initialInterval / 2);
    handler.setBackOffFunction(
        (record, exception) -> InfrastructureOutages.isOutage(exception) ? outageBackOff : null);
    // These can never succeed, however often they are retried.
    handler.addNotRetryableExceptions(
        MalformedEnvelopeException.class,
        UnknownPayloadTypeException.class,
        UnsupportedCommandException.class,
        DeserializationException.class);
    return handler;
  }

  private static TopicPartitionOffset at(ConsumerRecord<?, ?> record) {
    return new TopicPartitionOffset(record.topic(), record.partition(), record.offset());
  }
}
