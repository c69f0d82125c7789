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
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The error handler of every consumer binding: the binding's own retries (its {@code max-attempts}
 * and back-off), then its dead-letter topic; a failure because MongoDB, S3 or Kafka is away is
 * retried for the outage window instead; records that can never succeed skip the retries. Before a
 * record is dead-lettered, the service settles what it was for ({@link RecordsGivenUp}).
 */
final class RecordErrorHandlers {
  private RecordErrorHandlers() {}

  /**
   * A binding's retries as its properties give them: deliveries in all ({@code max-attempts}, the
   * first included) and the back-off between them, in milliseconds, doubling ({@code multiplier})
   * from the initial interval up to the maximum.
   */
  record Retries(int deliveries, long initialInterval, double multiplier, long maxInterval) {
    private ExponentialBackOff backOff() {
      ExponentialBackOff backOff = new ExponentialBackOff(initialInterval, multiplier);
      backOff.setMaxInterval(maxInterval);
      // Jitter spreads the retries of many records that failed together (a provider outage).
      backOff.setJitter(initialInterval / 2);
      return backOff;
    }
  }

  /** The attempt that failed last on a partition: the record at this offset, attempt number. */
  private record FailedAttempt(long offset, int number) {}

  /**
   * @param group the consumer group, named in the metric of records given up on
   * @param deadLetters where a record given up on goes (its binding's {@code dlq-name})
   */
  static DefaultErrorHandler create(
      String group,
      KafkaOperations<?, ?> kafka,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> deadLetters,
      Retries retries,
      Duration outageRetryWindow,
      MeterRegistry meters,
      List<RecordsGivenUp> settlers) {
    DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, deadLetters);
    int deliveries = retries.deliveries();
    ExponentialBackOff recordRetries = retries.backOff();
    recordRetries.setMaxAttempts(deliveries - 1);
    // The attempt that failed last, as the retry listener below is told it; the recoverer reports
    // it with the record given up on. Kept per partition, which retries one record at a time while
    // it holds the others back, so a record that succeeds on a retry leaves nothing behind.
    Map<TopicPartition, FailedAttempt> lastFailed = new ConcurrentHashMap<>();
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (record, exception) -> {
              FailedAttempt failed = lastFailed.remove(partitionOf(record));
              int attempt =
                  failed != null && failed.offset() == record.offset() ? failed.number() : 1;
              RecordFailureLog.givenUp(record, exception, attempt, deliveries);
              // What an operator alerts on: records given up on, per topic and group.
              meters
                  .counter("mailroom.kafka.dead_lettered", "topic", record.topic(), "group", group)
                  .increment();
              // The service settles what the record was for (a send becomes failed) before the
              // record goes where only an operator looks.
              settlers.forEach(settler -> settler.settle(record, exception));
              recoverer.accept(record, exception);
            },
            recordRetries);
    // Every failed attempt is worth a line (retries are otherwise silent until they run out), but
    // only one: the last attempt is reported, with its stack trace, by the recoverer above.
    handler.setRetryListeners(
        (record, exception, attempt) -> {
          lastFailed.put(partitionOf(record), new FailedAttempt(record.offset(), attempt));
          if (InfrastructureOutages.isOutage(exception)) {
            RecordFailureLog.retryingThroughOutage(record, exception, attempt);
          } else if (attempt < deliveries) {
            RecordFailureLog.retrying(record, exception, attempt, deliveries);
          }
        });
    // The container would otherwise log each retry again, as an ERROR with a stack trace.
    handler.setLogLevel(KafkaException.Level.DEBUG);
    // A server away fails every record alike: waiting is the cure, and dead-lettering would turn
    // a restart of MongoDB or S3 into failed sends.
    ExponentialBackOff outageBackOff = retries.backOff();
    outageBackOff.setMaxElapsedTime(outageRetryWindow.toMillis());
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

  private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
    return new TopicPartition(record.topic(), record.partition());
  }
}
