package dev.mailroom.runtime.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a service does with a record whose retries ran out, before it goes to the dead-letter topic:
 * leave what the record was for in a state the user can see (a send {@code failed} with a reason
 * and an event), so nothing waits forever on a record nobody reads.
 */
@FunctionalInterface
public interface RecordsGivenUp {
  /**
   * Settles the record's work. Must not throw: the record goes to its dead-letter topic whatever
   * happens here, and an operator can re-drive it from there.
   */
  void settle(ConsumerRecord<?, ?> record, Exception cause);
}
