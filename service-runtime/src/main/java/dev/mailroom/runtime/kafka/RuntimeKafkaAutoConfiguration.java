package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.binder.kafka.config.ClientFactoryCustomizer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Kafka as every Mailroom service uses it: the topics (created if missing), the envelope publisher,
 * and how every consumer binding's container is set up (bounded retries, then the group's
 * dead-letter topic).
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
      StreamBridge bindings, EnvelopeCodec codec, MeterRegistry meters, Clock clock) {
    return new EnvelopePublisher(bindings, codec, meters, clock);
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

  @Bean
  EnvelopeLogContext envelopeLogContext(EnvelopeCodec codec) {
    return new EnvelopeLogContext(codec);
  }

  /**
   * Picked up by the Spring Cloud Stream Kafka binder for every consumer binding: its error handler
   * (the binding's retries, then its dead-letter topic), the record's ids in the logging context,
   * static membership (ADR 23).
   */
  @Bean
  ConsumerBindings consumerBindings(
      KafkaTemplate<String, byte[]> kafka,
      MailroomKafkaProperties properties,
      MeterRegistry meters,
      ObjectProvider<RecordsGivenUp> givenUp,
      EnvelopeLogContext logContext) {
    return new ConsumerBindings(
        kafka, properties, meters, givenUp.orderedStream().toList(), logContext);
  }

  /**
   * Picked up by the binder for the consumers it creates: a static member leaves its group when it
   * is closed in an orderly way (see {@link StaticMembership#leaveGroupOnClose()}).
   */
  @Bean
  @ConditionalOnExpression(StaticMembership.CONFIGURED)
  @SuppressWarnings({"unchecked", "rawtypes"})
  ClientFactoryCustomizer kafkaLeaveGroupOnClose() {
    ConsumerPostProcessor<Object, Object> leave = StaticMembership.leaveGroupOnClose();
    return new ClientFactoryCustomizer() {
      @Override
      public void configure(ConsumerFactory<?, ?> factory) {
        if (factory instanceof DefaultKafkaConsumerFactory defaults) {
          defaults.addPostProcessor(leave);
        }
      }
    };
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
