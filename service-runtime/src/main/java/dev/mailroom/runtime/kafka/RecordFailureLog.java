package dev.mailroom.runtime.kafka;

import com.mongodb.MongoException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.messaging.MessagingException;

/**
 * How a failing record is logged: one line per failed attempt that says where the record is (topic,
 * partition, offset), whose it is (the key, a mailbox id), which attempt of how many and what went
 * wrong; the stack trace once, when the record is given up on. Never the record's contents or its
 * headers: those hold addresses, subjects and Message-IDs, and retries of a provider outage would
 * otherwise copy them into the log thousands of times.
 */
final class RecordFailureLog {
  /** An exception message is the only free text on the line; a long one is cut here. */
  static final int MAX_MESSAGE_CHARS = 200;

  private static final Logger log = LoggerFactory.getLogger(RecordFailureLog.class);

  private RecordFailureLog() {}

  /** A failed attempt after which the record is retried. */
  static void retrying(ConsumerRecord<?, ?> record, Exception exception, int attempt, int of) {
    log.warn(
        "Record {} key {} failed, attempt {}/{}, retrying: {}",
        where(record),
        record.key(),
        attempt,
        of,
        summary(exception));
  }

  /**
   * A failed attempt because MongoDB, S3 or Kafka is away: retried for the outage window rather
   * than a number of attempts.
   */
  static void retryingThroughOutage(ConsumerRecord<?, ?> record, Exception exception, int attempt) {
    log.warn(
        "Record {} key {} failed, attempt {}, infrastructure unavailable, retrying: {}",
        where(record),
        record.key(),
        attempt,
        summary(exception));
  }

  /** The last attempt failed (or the failure can never succeed): the full trace, once. */
  static void givenUp(ConsumerRecord<?, ?> record, Exception exception, int attempt, int of) {
    log.error(
        "Record {} key {} failed, attempt {}/{}, given up and dead-lettered: {}",
        where(record),
        record.key(),
        attempt,
        of,
        summary(exception),
        exception);
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  /**
   * The exception that the listener threw, class and first line of its message. Spring's wrappers
   * (which name the listener or the binding's handler) are skipped; a MongoDB error is shown by its
   * code only, because its message quotes the document's keys (a duplicate Message-ID, an address).
   */
  static String summary(Throwable exception) {
    Throwable cause = exception;
    while ((cause instanceof ListenerExecutionFailedException
            || cause instanceof MessagingException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String name = cause.getClass().getName();
    if (cause instanceof MongoException mongo) {
      return name + " (code " + mongo.getCode() + ")";
    }
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return name;
    }
    String firstLine = message.strip().lines().findFirst().orElse("");
    if (firstLine.length() > MAX_MESSAGE_CHARS) {
      firstLine = firstLine.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
    return name + ": " + firstLine;
  }
}
