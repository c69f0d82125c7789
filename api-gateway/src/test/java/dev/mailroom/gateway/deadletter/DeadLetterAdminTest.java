package dev.mailroom.gateway.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/** {@code /admin/dead-letters}: what the workers gave up on, listed and put back. */
@WithMailroomInfrastructure
class DeadLetterAdminTest {
  private static final String DLT =
      Topics.deadLetterTopic(Topics.COMMANDS_MAILBOX, ConsumerGroups.SYNC_WORKER);

  private GatewayFixture gateway;

  @BeforeEach
  void start(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
  }

  private Map<String, Object> get(String path) {
    return gateway
        .client()
        .get()
        .uri(path)
        .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(
            new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private long pending() {
    List<Map<String, Object>> topics =
        (List<Map<String, Object>>) get("/admin/dead-letters").get("data");
    return topics.stream()
        .filter(t -> DLT.equals(t.get("topic")))
        .map(t -> ((Number) t.get("pending")).longValue())
        .findFirst()
        .orElseThrow();
  }

  private void deadLetter(String key, String envelopeId) throws Exception {
    try (var producer =
        new KafkaProducer<String, byte[]>(
            Map.of(
                "bootstrap.servers", gateway.infrastructure().endpoints().kafkaBootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(
              DLT,
              0,
              key,
              ("{\"id\":\""
                      + envelopeId
                      + "\",\"type\":\"mailroom.command.sync_mailbox.v1\",\"data\":{}}")
                  .getBytes(StandardCharsets.UTF_8));
      record
          .headers()
          .add(
              KafkaHeaders.DLT_EXCEPTION_MESSAGE,
              "MongoDB timed out".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void anOperatorSeesWhatWasGivenUpOnAndPutsItBackInOrder() throws Exception {
    String key = "mbx_" + UUID.randomUUID();
    String first = "cmd_" + UUID.randomUUID();
    String second = "cmd_" + UUID.randomUUID();
    long before = pending();
    deadLetter(key, first);
    deadLetter(key, second);
    assertThat(pending()).isEqualTo(before + 2);

    List<Map<String, Object>> records =
        (List<Map<String, Object>>) get("/admin/dead-letters/" + DLT + "?limit=1000").get("data");
    assertThat(records)
        .filteredOn(r -> key.equals(r.get("key")))
        .extracting(r -> r.get("envelopeId"), r -> r.get("exception"), r -> r.get("type"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                first, "MongoDB timed out", "mailroom.command.sync_mailbox.v1"),
            org.assertj.core.groups.Tuple.tuple(
                second, "MongoDB timed out", "mailroom.command.sync_mailbox.v1"));

    try (TopicTap commands =
        new TopicTap(
            gateway.infrastructure().endpoints().kafkaBootstrapServers(),
            Topics.COMMANDS_MAILBOX)) {
      Map<String, Object> redriven =
          gateway
              .client()
              .post()
              .uri("/admin/dead-letters/" + DLT + "/redrive")
              .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
              .exchange()
              .expectStatus()
              .isOk()
              .expectBody(
                  new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
              .returnResult()
              .getResponseBody();
      assertThat(((Number) redriven.get("redriven")).longValue()).isEqualTo(before + 2);
      List<String> arrived =
          commands.drain(Duration.ofSeconds(5)).stream()
              .filter(r -> key.equals(r.key()))
              .map(r -> new String(r.value(), StandardCharsets.UTF_8))
              .toList();
      assertThat(arrived).hasSize(2);
      assertThat(arrived.get(0)).contains(first);
      assertThat(arrived.get(1)).contains(second);
    }
    // Re-driven once: a second re-drive finds nothing left.
    assertThat(pending()).isZero();
  }

  @Test
  void anUnknownTopicIsNotFoundAndTheAdminKeyIsRequired() {
    gateway
        .client()
        .get()
        .uri("/admin/dead-letters/no.such.dlt")
        .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
        .exchange()
        .expectStatus()
        .isNotFound();
    gateway.client().get().uri("/admin/dead-letters").exchange().expectStatus().isUnauthorized();
  }
}
