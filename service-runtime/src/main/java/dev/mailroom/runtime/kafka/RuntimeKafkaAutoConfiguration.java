package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.MalformedEnvelopeException;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.envelope.UnknownPayloadTypeException;
import dev.mailroom.model.envelope.UnsupportedCommandException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka as every Mailroom service uses it: the topics (created if missing), the envelope publisher,
 * and the listener error handler (bounded retries, then the group's dead-letter topic).
 */
@AutoConfiguration(after = dev.mailroom.runtime.config.RuntimeClockAutoConfiguration.class)
@EnableConfigurationProperties(MailroomKafkaProperties.class)
public class RuntimeKafkaAutoConfiguration {
  @Bean
  EnvelopeCodec envelopeCodec() {
    return new EnvelopeCodec();
  }

  @Bean
  EnvelopePublisher envelopePublisher(
      KafkaTemplate<String, byte[]> kafka, EnvelopeCodec codec, MeterRegistry meters, Clock clock) {
    return new EnvelopePublisher(kafka, codec, meters, clock);
  }

  @Bean
  KafkaAdmin.NewTopics mailroomTopics(MailroomKafkaProperties properties) {
    List<NewTopic> topics = new ArrayList<>();
    for (String topic : List.of(Topics.COMMANDS_SEND, Topics.COMMANDS_MAILBOX, Topics.EVENTS)) {
      topics.add(new NewTopic(topic, properties.partitions(), properties.replicationFactor()));
    }
    ConsumerGroups.SUBSCRIPTIONS.forEach(
        (group, topic) ->
            topics.add(
                new NewTopic(
                    Topics.deadLetterTopic(topic, group),
                    properties.partitions(),
                    properties.replicationFactor())));
    return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
  }

  /** Picked up by Boot's listener container factory: ids of the record in every log line. */
  @Bean
  EnvelopeLogContext envelopeLogContext(EnvelopeCodec codec) {
    return new EnvelopeLogContext(codec);
  }

  /** Picked up by Boot's listener container factory for every {@code @KafkaListener}. */
  @Bean
  DefaultErrorHandler kafkaErrorHandler(
      KafkaTemplate<String, byte[]> kafka,
      MailroomKafkaProperties properties,
      MeterRegistry meters,
      ObjectProvider<RecordsGivenUp> givenUp) {
    DeadLetterPublishingRecoverer recoverer =
        new DeadLetterPublishingRecoverer(
            kafka,
            (record, exception) ->
                new TopicPartition(
                    Topics.deadLetterTopic(record.topic(), KafkaUtils.getConsumerGroupId()),
                    record.partition() % properties.partitions()));
    ExponentialBackOff backOff =
        new ExponentialBackOff(properties.retryInitialInterval().toMillis(), 2.0);
    backOff.setMaxInterval(properties.retryMaxInterval().toMillis());
    backOff.setMaxAttempts(properties.retryAttempts());
    // Jitter spreads the retries of many records that failed together (a provider outage).
    backOff.setJitter(properties.retryInitialInterval().toMillis() / 2);
    // Deliveries in all: the first and its retries; "attempt n/N" in the log counts these.
    int deliveries = properties.retryAttempts() + 1;
    AtomicReference<DefaultErrorHandler> self = new AtomicReference<>();
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (record, exception) -> {
              // The tracker answers the attempt that would come next; this one failed.
              int attempt =
                  self.get()
                          .deliveryAttempt(
                              new TopicPartitionOffset(
                                  record.topic(), record.partition(), record.offset()))
                      - 1;
              RecordFailureLog.givenUp(record, exception, Math.max(attempt, 1), deliveries);
              // What an operator alerts on: records given up on, per topic and group.
              meters
                  .counter(
                      "mailroom.kafka.dead_lettered",
                      "topic",
                      record.topic(),
                      "group",
                      String.valueOf(KafkaUtils.getConsumerGroupId()))
                  .increment();
              // The service settles what the record was for (a send becomes failed) before the
              // record goes where only an operator looks.
              givenUp.orderedStream().forEach(settler -> settler.settle(record, exception));
              recoverer.accept(record, exception);
            },
            backOff);
    self.set(handler);
    // Every failed attempt is worth a line (retries are otherwise silent until they run out), but
    // only one: the last attempt is reported, with its stack trace, by the recoverer above.
    handler.setRetryListeners(
        (record, exception, attempt) -> {
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
    ExponentialBackOff outageBackOff =
        new ExponentialBackOff(properties.retryInitialInterval().toMillis(), 2.0);
    outageBackOff.setMaxInterval(properties.retryMaxInterval().toMillis());
    outageBackOff.setMaxElapsedTime(properties.outageRetryWindow().toMillis());
    outageBackOff.setJitter(properties.retryInitialInterval().toMillis() / 2);
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

  /**
   * Picked up by Boot's listener container factory: static group membership, when this replica has
   * a name of its own (see {@link MailroomKafkaProperties#instanceId()}).
   */
  @Bean
  @ConditionalOnExpression(StaticMembership.CONFIGURED)
  StaticMembership kafkaStaticMembership(MailroomKafkaProperties properties) {
    return new StaticMembership(properties.instanceId());
  }

  @Bean
  @ConditionalOnExpression(StaticMembership.CONFIGURED)
  @SuppressWarnings({"unchecked", "rawtypes"})
  DefaultKafkaConsumerFactoryCustomizer kafkaLeaveGroupOnClose() {
    ConsumerPostProcessor<Object, Object> leave = StaticMembership.leaveGroupOnClose();
    return factory -> ((DefaultKafkaConsumerFactory) factory).addPostProcessor(leave);
  }

  @Bean
  TopicProvisioner topicProvisioner(KafkaAdmin admin) {
    return new TopicProvisioner(admin);
  }

  @Bean("kafkaHealthIndicator")
  KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin) {
    return new KafkaHealthIndicator(admin);
  }
}
