package dev.mailroom.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.runtime.config.RuntimeClockAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.function.cloudevent.CloudEventsFunctionExtensionConfiguration;
import org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.kafka.config.ClientFactoryCustomizer;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaConsumerProperties;
import org.springframework.cloud.stream.config.BindingServiceConfiguration;
import org.springframework.cloud.stream.function.FunctionConfiguration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Static group membership is configured exactly when the replica has an id of its own, and every
 * consumer binding gets the error handling and dead-letter topic of DESIGN.md.
 */
class StaticMembershipTest {
  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  KafkaAutoConfiguration.class,
                  IntegrationAutoConfiguration.class,
                  ContextFunctionCatalogAutoConfiguration.class,
                  CloudEventsFunctionExtensionConfiguration.class,
                  FunctionConfiguration.class,
                  BindingServiceConfiguration.class,
                  RuntimeClockAutoConfiguration.class,
                  RuntimeKafkaAutoConfiguration.class))
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          // No broker here: the admin would spend its timeouts trying to create topics.
          .withPropertyValues("spring.kafka.admin.auto-create=false");

  @Test
  void eachBindingJoinsUnderTheReplicaIdAndItsOwnName() {
    context
        .withPropertyValues("mailroom.kafka.instance-id=send-worker-5d8f7c9b4-x2v7q")
        .run(
            app -> {
              ConcurrentMessageListenerContainer<String, byte[]> container =
                  bound(app.getBean(ConsumerBindings.class), binding(5));
              assertThat(
                      container
                          .getContainerProperties()
                          .getKafkaConsumerProperties()
                          .getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                  // Spring Kafka appends -0, -1, ... per consumer when the concurrency is above 1.
                  .isEqualTo("send-worker-5d8f7c9b4-x2v7q-sendCommands-in-0");
              DefaultKafkaConsumerFactory<String, byte[]> factory =
                  new DefaultKafkaConsumerFactory<>(java.util.Map.of());
              app.getBean(ClientFactoryCustomizer.class).configure(factory);
              assertThat(factory.getPostProcessors()).hasSize(1);
            });
  }

  @Test
  void withoutAnIdConsumersStayDynamicMembers() {
    for (String[] properties : new String[][] {{}, {"mailroom.kafka.instance-id= "}}) {
      context
          .withPropertyValues(properties)
          .run(
              app -> {
                assertThat(app).doesNotHaveBean(ClientFactoryCustomizer.class);
                ConcurrentMessageListenerContainer<String, byte[]> container =
                    bound(app.getBean(ConsumerBindings.class), binding(5));
                assertThat(container.getContainerProperties().getKafkaConsumerProperties())
                    .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
              });
    }
  }

  @Test
  void aBindingWithAnotherDeadLetterTopicOrNoRetryIsRefusedAtStart() {
    context.run(
        app -> {
          ConsumerBindings bindings = app.getBean(ConsumerBindings.class);
          assertThatThrownBy(
                  () ->
                      bindings.configure(
                          container(),
                          Topics.COMMANDS_SEND,
                          ConsumerGroups.SEND_WORKER,
                          (record, e) -> new TopicPartition("elsewhere", 0),
                          null,
                          binding(5)))
              .hasMessageContaining("must be " + Topics.COMMANDS_SEND + ".");
          assertThatThrownBy(
                  () ->
                      bindings.configure(
                          container(),
                          Topics.COMMANDS_SEND,
                          ConsumerGroups.SEND_WORKER,
                          null,
                          null,
                          binding(5)))
              .hasMessageContaining("no dead-letter topic");
          assertThatThrownBy(() -> bound(bindings, binding(1)))
              .hasMessageContaining("max-attempts 1");
        });
  }

  @Test
  void charactersKafkaRefusesInAnInstanceIdAreReplaced() {
    assertThat(StaticMembership.groupInstanceId("worker 1", "events-in-0#1"))
        .isEqualTo("worker_1-events-in-0_1");
  }

  private static ExtendedConsumerProperties<KafkaConsumerProperties> binding(int maxAttempts) {
    ExtendedConsumerProperties<KafkaConsumerProperties> binding =
        new ExtendedConsumerProperties<>(new KafkaConsumerProperties());
    binding.populateBindingName("sendCommands-in-0");
    binding.setMaxAttempts(maxAttempts);
    return binding;
  }

  private static ConcurrentMessageListenerContainer<String, byte[]> container() {
    return new ConcurrentMessageListenerContainer<>(
        new DefaultKafkaConsumerFactory<>(java.util.Map.of()),
        new ContainerProperties(Topics.COMMANDS_SEND));
  }

  /** A container as the binder hands it over for the send worker's binding. */
  private static ConcurrentMessageListenerContainer<String, byte[]> bound(
      ConsumerBindings bindings, ExtendedConsumerProperties<KafkaConsumerProperties> binding) {
    ConcurrentMessageListenerContainer<String, byte[]> container = container();
    BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> deadLetters =
        (record, e) ->
            new TopicPartition(
                Topics.deadLetterTopic(Topics.COMMANDS_SEND, ConsumerGroups.SEND_WORKER),
                record.partition());
    bindings.configure(
        container, Topics.COMMANDS_SEND, ConsumerGroups.SEND_WORKER, deadLetters, null, binding);
    return container;
  }
}
