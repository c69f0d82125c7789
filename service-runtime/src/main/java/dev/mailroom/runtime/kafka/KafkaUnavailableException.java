package dev.mailroom.runtime.kafka;

/** Kafka could not take a record: a broker away, or a producer not made yet because of it. */
public class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String message) {
    super(message);
  }

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
