package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaConsumerProperties;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.backoff.BackOff;

/**
 * Sets up the listener container of every Spring Cloud Stream consumer binding (ADR 23). The
 * binding's configuration says what to consume, in which group, how often to retry and where its
 * dead-letter topic is; this adds what configuration cannot say:
 *
 * <ul>
 *   <li>retries run in the container's error handler ({@link RecordErrorHandlers}) rather than in
 *       the binder, so a record waiting for its next attempt does not hold the consumer's poll
 *       loop, each attempt is logged once, infrastructure outages are waited out, and the service
 *       settles a record's work before it is dead-lettered;
 *   <li>the record's ids in the logging context ({@link EnvelopeLogContext});
 *   <li>static group membership when the replica has a name ({@link StaticMembership}).
 * </ul>
 *
 * <p>It also remembers each binding's container, so a service can ask which partitions of a topic
 * this replica owns (the sync worker watches exactly the mailboxes of its partitions).
 */
public class ConsumerBindings implements ListenerContainerWithDlqAndRetryCustomizer {
  private final KafkaOperations<?, ?> kafka;
  private final MailroomKafkaProperties properties;
  private final MeterRegistry meters;
  private final List<RecordsGivenUp> settlers;
  private final EnvelopeLogContext logContext;
  private final Map<String, AbstractMessageListenerContainer<?, ?>> byTopic =
      new ConcurrentHashMap<>();

  public ConsumerBindings(
      KafkaOperations<?, ?> kafka,
      MailroomKafkaProperties properties,
      MeterRegistry meters,
      List<RecordsGivenUp> settlers,
      EnvelopeLogContext logContext) {
    this.kafka = kafka;
    this.properties = properties;
    this.meters = meters;
    this.settlers = List.copyOf(settlers);
    this.logContext = logContext;
  }

  /** Retries and dead-lettering belong to the container's error handler, never to the binder. */
  @Override
  public boolean retryAndDlqInBinding(String destination, String group) {
    return false;
  }

  @Override
  public void configure(
      AbstractMessageListenerContainer<?, ?> container,
      String destination,
      String group,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> deadLetters,
      BackOff backOff) {
    // The binder calls the variant with the binding's properties, where the retries are read.
    throw new UnsupportedOperationException(
        "A consumer binding is set up from its properties: " + destination + " for " + group);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void configure(
      AbstractMessageListenerContainer<?, ?> container,
      String destination,
      String group,
      BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> deadLetters,
      BackOff backOff,
      ExtendedConsumerProperties<KafkaConsumerProperties> binding) {
    if (deadLetters == null) {
      // A record given up on would otherwise be skipped without a trace.
      throw new IllegalStateException(
          "The consumer binding of "
              + destination
              + " for group "
              + group
              + " has no dead-letter topic: set spring.cloud.stream.kafka.bindings.<binding>"
              + ".consumer.enable-dlq and dlq-name");
    }
    String expected = Topics.deadLetterTopic(destination, group);
    String configured =
        deadLetters.apply(new ConsumerRecord<>(destination, 0, 0L, null, null), null).topic();
    if (!expected.equals(configured)) {
      // The gateway's dead-letter API reads <topic>.<group>.dlt; a record elsewhere is lost to it.
      throw new IllegalStateException(
          "The dead-letter topic of "
              + destination
              + " for group "
              + group
              + " is "
              + configured
              + "; it must be "
              + expected);
    }
    if (!binding.isBatchMode() && binding.getMaxAttempts() < 2) {
      // With a single attempt the binder routes failures to its own dead-letter handler, which
      // would skip the error handler below and with it the service's settling of the record.
      throw new IllegalStateException(
          "The consumer binding "
              + binding.getBindingName()
              + " has max-attempts "
              + binding.getMaxAttempts()
              + "; it must be at least 2 (the first delivery and one retry)");
    }
    // The binding's retry settings, read here: the binder's own back-off from them allows one
    // retry more than max-attempts says.
    RecordErrorHandlers.Retries retries =
        new RecordErrorHandlers.Retries(
            binding.getMaxAttempts(),
            binding.getBackOffInitialInterval(),
            binding.getBackOffMultiplier(),
            binding.getBackOffMaxInterval());
    container.setCommonErrorHandler(
        RecordErrorHandlers.create(
            group, kafka, deadLetters, retries, properties.outageRetryWindow(), meters, settlers));
    if (!binding.isBatchMode()) {
      container.setRecordInterceptor((RecordInterceptor) logContext);
    }
    if (StaticMembership.configured(properties.instanceId())) {
      String name =
          binding.getBindingName() != null ? binding.getBindingName() : group + "-" + destination;
      container
          .getContainerProperties()
          .getKafkaConsumerProperties()
          .setProperty(
              ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
              StaticMembership.groupInstanceId(properties.instanceId(), name));
    }
    byTopic.put(destination, container);
  }

  /** The partitions of the topic assigned to this replica now; none before its binding started. */
  public Set<Integer> assignedPartitions(String topic) {
    AbstractMessageListenerContainer<?, ?> container = byTopic.get(topic);
    Collection<TopicPartition> assigned =
        container == null ? null : container.getAssignedPartitions();
    if (assigned == null) {
      return Set.of();
    }
    return assigned.stream()
        .filter(p -> p.topic().equals(topic))
        .map(TopicPartition::partition)
        .collect(Collectors.toSet());
  }
}
