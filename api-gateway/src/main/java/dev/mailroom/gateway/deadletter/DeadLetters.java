package dev.mailroom.gateway.deadletter;

import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The dead-letter topics as an operator sees them: what waits in each, and a re-drive that puts it
 * back on the topic it came from. What has been re-driven is remembered as the committed offsets of
 * a consumer group of its own, so the records stay in the topic (for inspection, until Kafka's
 * retention removes them) and a second re-drive does not repeat the first.
 */
@Component
public class DeadLetters {
  /** A dead-letter topic's name, for the API document. */
  static final String TOPIC_EXAMPLE = "mailroom.commands.send.mailroom-send-worker.dlt";

  /** The consumer group whose committed offsets mark what has been re-driven. */
  public static final String REDRIVE_GROUP = "mailroom-dead-letter-redrive";

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int EXCEPTION_MESSAGE_MAX = 500;

  private final KafkaProperties kafkaProperties;
  private final KafkaTemplate<String, byte[]> kafka;
  private final Map<String, Long> pendingByTopic = new ConcurrentHashMap<>();

  public DeadLetters(
      KafkaProperties kafkaProperties, KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
    this.kafkaProperties = kafkaProperties;
    this.kafka = kafka;
    for (String topic : topics()) {
      pendingByTopic.put(topic, 0L);
      Gauge.builder("mailroom.kafka.dead_letters.pending", pendingByTopic, m -> m.get(topic))
          .description("Records in a dead-letter topic not yet re-driven")
          .tag("topic", topic)
          .register(meters);
    }
  }

  /** Every dead-letter topic: one per consumer group and the topic it consumes. */
  public static List<String> topics() {
    return ConsumerGroups.SUBSCRIPTIONS.entrySet().stream()
        .map(e -> Topics.deadLetterTopic(e.getValue(), e.getKey()))
        .sorted()
        .toList();
  }

  /** The topic a dead-letter topic's records came from. */
  public static String originalTopic(String deadLetterTopic) {
    return ConsumerGroups.SUBSCRIPTIONS.entrySet().stream()
        .filter(e -> Topics.deadLetterTopic(e.getValue(), e.getKey()).equals(deadLetterTopic))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow();
  }

  /** Keeps the pending-records gauge current, for the alert on dead letters. */
  @Scheduled(
      fixedDelayString = "${mailroom.gateway.dead-letter-refresh-interval:60s}",
      initialDelay = 10,
      timeUnit = TimeUnit.SECONDS)
  public void refreshGauge() {
    try {
      summaries();
    } catch (RuntimeException e) {
      log.warn("Could not count dead letters: {}", e.toString());
    }
  }

  /** Every dead-letter topic with the number of records not yet re-driven. Blocking. */
  public List<DeadLetterTopic> summaries() {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<DeadLetterTopic> summaries = new ArrayList<>();
      for (String topic : topics()) {
        long pending = 0;
        for (Map.Entry<TopicPartition, long[]> range : pendingRanges(consumer, topic).entrySet()) {
          pending += range.getValue()[1] - range.getValue()[0];
        }
        pendingByTopic.put(topic, pending);
        summaries.add(new DeadLetterTopic(topic, originalTopic(topic), pending));
      }
      return summaries;
    }
  }

  /** Up to {@code limit} records not yet re-driven, oldest first per partition. Blocking. */
  public List<DeadLetter> pending(String topic, int limit) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<DeadLetter> found = new ArrayList<>();
      read(consumer, topic, limit, record -> found.add(DeadLetter.of(record)));
      return found;
    }
  }

  /**
   * Publishes up to {@code limit} records not yet re-driven back to their original topic, with
   * their keys (so each mailbox's order holds), then marks them re-driven. A record published
   * before a failure to mark it may be published again by the next re-drive: consumers drop
   * duplicates by envelope id. Blocking.
   */
  public int redrive(String topic, int limit) {
    String original = originalTopic(topic);
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
      int[] count = {0};
      read(
          consumer,
          topic,
          limit,
          record -> {
            try {
              kafka.send(original, record.key(), record.value()).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("Re-drive to " + original + " failed", e);
            }
            done.put(
                new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1));
            count[0]++;
          });
      if (!done.isEmpty()) {
        consumer.commitSync(done);
      }
      log.info("Re-drove {} record(s) from {} to {}", count[0], topic, original);
      return count[0];
    }
  }

  private void read(
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      int limit,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> action) {
    Map<TopicPartition, long[]> ranges = pendingRanges(consumer, topic);
    ranges.values().removeIf(range -> range[0] >= range[1]);
    if (ranges.isEmpty()) {
      return;
    }
    consumer.assign(ranges.keySet());
    ranges.forEach((partition, range) -> consumer.seek(partition, range[0]));
    int taken = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Map<TopicPartition, long[]> open = new HashMap<>(ranges);
    while (taken < limit && !open.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        long[] range = open.get(partition);
        if (range == null || record.offset() >= range[1] || taken >= limit) {
          continue;
        }
        action.accept(record);
        taken++;
        if (record.offset() + 1 >= range[1]) {
          open.remove(partition);
          consumer.pause(List.of(partition));
        }
      }
    }
  }

  /** Per partition: [first offset not yet re-driven, end offset]. */
  private static Map<TopicPartition, long[]> pendingRanges(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    List<PartitionInfo> infos =
        Optional.ofNullable(consumer.partitionsFor(topic, Duration.ofSeconds(10)))
            .orElse(List.of());
    List<TopicPartition> partitions =
        infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    Map<TopicPartition, Long> beginnings =
        consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new java.util.HashSet<>(partitions), Duration.ofSeconds(10));
    Map<TopicPartition, long[]> ranges = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata mark = committed.get(partition);
      long from = Math.max(beginnings.get(partition), mark == null ? 0 : mark.offset());
      ranges.put(partition, new long[] {from, ends.get(partition)});
    }
    return ranges;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>(kafkaProperties.buildConsumerProperties());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, REDRIVE_GROUP);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** One dead-letter topic and how many of its records wait for a re-drive. */
  @Schema(description = "A dead-letter topic and what waits in it")
  public record DeadLetterTopic(
      @Schema(description = "The dead-letter topic", example = TOPIC_EXAMPLE) String topic,
      @Schema(
              description = "The topic its records came from and are re-driven to",
              example = "mailroom.commands.send")
          String originalTopic,
      @Schema(description = "Records not yet re-driven", example = "3") long pending) {}

  /** One record as an operator needs it: where it is, what it was, why it was given up. */
  @Schema(description = "A record the workers gave up on")
  public record DeadLetter(
      @Schema(description = "Partition of the dead-letter topic", example = "0") int partition,
      @Schema(description = "Offset in that partition", example = "17") long offset,
      @Schema(
              nullable = true,
              description = "The record's key (the mailbox or subscription it is ordered by)",
              example = "mbx_01JH3Z8Q4W2K7N5M6P9R0S1T2V")
          String key,
      @Schema(
              nullable = true,
              description = "The envelope's type",
              example = "mailroom.command.send-message.v1")
          String type,
      @Schema(
              nullable = true,
              description = "The envelope's id",
              example = "cmd_01JH3ZA1B2C3D4E5F6G7H8J9K0")
          String envelopeId,
      @Schema(
              nullable = true,
              description = "Why the worker gave up, as its last exception said",
              example = "Connection refused")
          String exception,
      @Schema(description = "When it was dead-lettered", example = "2026-03-02T09:14:05.120Z")
          Instant deadLetteredAt) {
    static DeadLetter of(ConsumerRecord<String, byte[]> record) {
      String json = new String(record.value(), StandardCharsets.UTF_8);
      return new DeadLetter(
          record.partition(),
          record.offset(),
          record.key(),
          field(json, "type"),
          field(json, "id"),
          header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE),
          Instant.ofEpochMilli(record.timestamp()));
    }

    /** A top-level string field of the envelope, without parsing a body that may be malformed. */
    private static String field(String json, String name) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]{0,200})\"")
              .matcher(json);
      return m.find() ? m.group(1) : null;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
      Header header = record.headers().lastHeader(name);
      if (header == null) {
        return null;
      }
      String value = new String(header.value(), StandardCharsets.UTF_8);
      return value.length() > EXCEPTION_MESSAGE_MAX
          ? value.substring(0, EXCEPTION_MESSAGE_MAX) + "…"
          : value;
    }
  }
}
