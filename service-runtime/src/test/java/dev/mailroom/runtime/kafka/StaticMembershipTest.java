package dev.mailroom.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.runtime.config.RuntimeClockAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.MethodKafkaListenerEndpoint;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;

/** Static group membership is configured exactly when the replica has an id of its own. */
class StaticMembershipTest {
  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  KafkaAutoConfiguration.class,
                  RuntimeClockAutoConfiguration.class,
                  RuntimeKafkaAutoConfiguration.class))
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          // No broker here: the admin would spend its timeouts trying to create topics.
          .withPropertyValues("spring.kafka.admin.auto-create=false");

  @Test
  void eachListenerJoinsUnderTheReplicaIdAndItsOwnId() {
    context
        .withPropertyValues("mailroom.kafka.instance-id=send-worker-5d8f7c9b4-x2v7q")
        .run(
            app -> {
              ConcurrentMessageListenerContainer<Object, Object> container =
                  listener(app.getBean(ConcurrentKafkaListenerContainerFactory.class));
              assertThat(
                      container
                          .getContainerProperties()
                          .getKafkaConsumerProperties()
                          .getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                  // Spring Kafka appends -0, -1, ... per consumer when the concurrency is above 1.
                  .isEqualTo("send-worker-5d8f7c9b4-x2v7q-send-worker-send-commands");
              assertThat(app.getBean(DefaultKafkaConsumerFactory.class).getPostProcessors())
                  .hasSize(1);
            });
  }

  @Test
  void withoutAnIdConsumersStayDynamicMembers() {
    for (String[] properties : new String[][] {{}, {"mailroom.kafka.instance-id= "}}) {
      context
          .withPropertyValues(properties)
          .run(
              app -> {
                assertThat(app).doesNotHaveBean(StaticMembership.class);
                ConcurrentMessageListenerContainer<Object, Object> container =
                    listener(app.getBean(ConcurrentKafkaListenerContainerFactory.class));
                assertThat(container.getContainerProperties().getKafkaConsumerProperties())
                    .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
                assertThat(
                        app.getBean(DefaultKafkaConsumerFactory.class).getConfigurationProperties())
                    .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
                assertThat(app.getBean(DefaultKafkaConsumerFactory.class).getPostProcessors())
                    .isEmpty();
              });
    }
  }

  @Test
  void charactersKafkaRefusesInAnInstanceIdAreReplaced() {
    assertThat(
            StaticMembership.groupInstanceId(
                "worker 1", "org.springframework.kafka.KafkaListenerEndpointContainer#0"))
        .isEqualTo("worker_1-org.springframework.kafka.KafkaListenerEndpointContainer_0");
  }

  /** A container as {@code @KafkaListener(id = "send-worker-send-commands")} gets it. */
  @SuppressWarnings("unchecked")
  private static ConcurrentMessageListenerContainer<Object, Object> listener(
      ConcurrentKafkaListenerContainerFactory<?, ?> factory) throws NoSuchMethodException {
    MethodKafkaListenerEndpoint<Object, Object> endpoint = new MethodKafkaListenerEndpoint<>();
    endpoint.setId("send-worker-send-commands");
    endpoint.setTopics("mailroom.commands.send");
    endpoint.setGroupId("mailroom-send-worker");
    endpoint.setConcurrency(2);
    endpoint.setBean(new Handler());
    endpoint.setMethod(Handler.class.getDeclaredMethod("onRecord", String.class));
    DefaultMessageHandlerMethodFactory methods = new DefaultMessageHandlerMethodFactory();
    methods.afterPropertiesSet();
    endpoint.setMessageHandlerMethodFactory(methods);
    return (ConcurrentMessageListenerContainer<Object, Object>)
        factory.createListenerContainer(endpoint);
  }

  static class Handler {
    void onRecord(String record) {}
  }
}
