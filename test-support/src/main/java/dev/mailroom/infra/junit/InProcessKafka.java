package dev.mailroom.infra.junit;

import dev.mailroom.infra.kafka.RunningKafka;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A real single-node KRaft broker inside this JVM, on a random port; for tests. */
public final class InProcessKafka implements RunningKafka {
  private final EmbeddedKafkaKraftBroker broker;

  public InProcessKafka() {
    this.broker = new EmbeddedKafkaKraftBroker(1, 3);
    // Without these, transactional and idempotent producers wait 60 s for a 3-replica log.
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "offsets.topic.replication.factor", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false"));
    // The broker would otherwise publish its address as the system property
    // spring.kafka.bootstrap-servers, for the whole JVM and beyond its own life. A Spring Cloud
    // Stream binder's context ranks system properties above a service's own arguments, so every
    // later service in the JVM would reach for the last broker started, closed or not. Each
    // service is given its broker's address explicitly instead.
    broker.brokerListProperty("mailroom.test.kafka.last-started");
    broker.afterPropertiesSet();
  }

  @Override
  public String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
  }
}
