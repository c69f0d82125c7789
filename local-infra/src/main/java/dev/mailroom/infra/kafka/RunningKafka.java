package dev.mailroom.infra.kafka;

/** A Kafka broker that is up; closing it stops it. */
public interface RunningKafka extends AutoCloseable {
  String bootstrapServers();
}
