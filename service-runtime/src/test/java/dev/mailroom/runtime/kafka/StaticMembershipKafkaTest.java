package dev.mailroom.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.InProcessKafka;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.runtime.config.MailroomServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * What static membership buys on a real broker: a consumer that crashed and comes back under the
 * same instance id has its partition again at once, where a dynamic one waits out the dead member's
 * session; and an orderly stop still leaves the group.
 */
class StaticMembershipKafkaTest {
  static final String GROUP = "membership-test";
  static final Duration SESSION = Duration.ofSeconds(10);
  static InProcessKafka kafka;
  static Admin admin;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = new InProcessKafka();
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    admin
        .createTopics(List.of(new NewTopic("membership-restart", 1, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopKafka() {
    admin.close();
    kafka.close();
  }

  @Test
  void aListenersConsumersJoinUnderTheReplicaIdAndLeaveWhenStopped() throws Exception {
    try (ConfigurableApplicationContext context = service("replica-1")) {
      assertThat(awaitMembers(GROUP, 2))
          .containsExactlyInAnyOrder(
              Optional.of("replica-1-membership-in-0-0"),
              Optional.of("replica-1-membership-in-0-1"));
    }
    // A static member would stay for its whole session (45 s) unless it leaves on close.
    assertThat(awaitMembers(GROUP, 0)).isEmpty();

    try (ConfigurableApplicationContext context = service(null)) {
      assertThat(awaitMembers(GROUP, 2)).containsOnly(Optional.empty());
    }
  }

  @Test
  void aRestartedStaticMemberHasItsPartitionBackAtOnceWhereADynamicOneWaitsForTheSession() {
    Duration dynamicWait = crashAndRestart("restart-dynamic", null);
    Duration staticWait =
        crashAndRestart(
            "restart-static", StaticMembership.groupInstanceId("replica-1", "restart-listener"));

    assertThat(staticWait).isLessThan(Duration.ofSeconds(4));
    assertThat(dynamicWait).isGreaterThan(SESSION.minusSeconds(4));
  }

  /**
   * Starts a consumer until it has the topic's partition, stops it the way a crash does (no leave
   * request), starts another as the restarted process would, and times how long it waits.
   */
  private static Duration crashAndRestart(String group, String instanceId) {
    try (KafkaConsumer<String, byte[]> first = consumer(group, instanceId)) {
      awaitAssignment(first, Duration.ofSeconds(30));
      first.close(
          CloseOptions.groupMembershipOperation(
              CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    }
    try (KafkaConsumer<String, byte[]> restarted = consumer(group, instanceId)) {
      long start = System.nanoTime();
      awaitAssignment(restarted, Duration.ofSeconds(60));
      return Duration.ofNanos(System.nanoTime() - start);
    }
  }

  private static KafkaConsumer<String, byte[]> consumer(String group, String instanceId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION.toMillis());
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    if (instanceId != null) {
      config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
    consumer.subscribe(List.of("membership-restart"));
    return consumer;
  }

  private static void awaitAssignment(KafkaConsumer<String, byte[]> consumer, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100));
    }
    assertThat(consumer.assignment()).isNotEmpty();
  }

  /**
   * The group's members' instance ids, once it has {@code count} members and is stable (or after 20
   * s).
   */
  private static List<Optional<String>> awaitMembers(String group, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<Optional<String>> ids = List.of();
    while (System.nanoTime() < deadline) {
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(Set.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      ids = description.members().stream().map(MemberDescription::groupInstanceId).toList();
      // Members are counted once the group settled: a consumer closed while it is still joining
      // has no member id yet to leave with, and stays until its session runs out.
      boolean settled = count == 0 || description.groupState() == GroupState.STABLE;
      if (ids.size() == count && settled) {
        return ids;
      }
      Thread.sleep(200);
    }
    return ids;
  }

  private static ConfigurableApplicationContext service(String instanceId) {
    List<String> properties =
        new ArrayList<>(
            List.of(
                "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "mailroom.kafka.partitions=2",
                "spring.main.banner-mode=off"));
    if (instanceId != null) {
      properties.add("mailroom.kafka.instance-id=" + instanceId);
    }
    properties.addAll(TestBindings.binding("membership", Topics.COMMANDS_SEND, GROUP));
    properties.add("spring.cloud.stream.bindings.membership-in-0.consumer.concurrency=2");
    return MailroomServices.builder(MembershipApp.class, "membership-test")
        .web(WebApplicationType.NONE)
        .properties(properties.toArray(String[]::new))
        .run();
  }

  @Configuration
  @ConsumerBindingTestApp
  static class MembershipApp {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean("membership")
    Listener listener() {
      return new Listener();
    }
  }

  static class Listener implements Consumer<Message<byte[]>> {
    @Override
    public void accept(Message<byte[]> record) {}
  }
}
