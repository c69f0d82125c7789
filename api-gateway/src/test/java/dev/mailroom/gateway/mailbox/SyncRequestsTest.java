package dev.mailroom.gateway.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sync requests for a mailbox whose sync is still waiting join it: before, each request queued a
 * command of its own, and a loop of them filled the partitions other tenants' mailboxes share. (No
 * sync worker runs here, so a queued sync stays waiting.)
 */
@WithMailroomInfrastructure
class SyncRequestsTest {
  private final EnvelopeCodec codec = new EnvelopeCodec();

  @Test
  void requestsWhileASyncWaitsJoinItAndOnlyAFullSyncQueuesAnother(
      TestInfrastructure infrastructure) {
    GatewayFixture gateway = GatewayFixture.shared(infrastructure);
    Tenant tenant = gateway.tenant("waiting@example.com");
    String mailboxId = tenant.mailboxIds().get(0);
    String token = gateway.fullToken(tenant.id());
    try (TopicTap commands =
        new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.COMMANDS_MAILBOX)) {
      List<String> answered = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        answered.add(sync(gateway, token, mailboxId, "incremental"));
      }
      assertThat(answered).hasSize(5).containsOnly(answered.get(0));
      String full = sync(gateway, token, mailboxId, "full");
      assertThat(full).isNotEqualTo(answered.get(0));
      assertThat(sync(gateway, token, mailboxId, "incremental"))
          .as("covered by the full")
          .isEqualTo(full);

      commands.await(r -> isCommand(r.value(), full), Duration.ofSeconds(20));
      List<SyncMailbox> queued =
          commands.drain(Duration.ofSeconds(2)).stream()
              .map(r -> codec.decode(r.value()).data())
              .filter(d -> d instanceof SyncMailbox s && s.mailboxId().equals(mailboxId))
              .map(SyncMailbox.class::cast)
              .filter(s -> s.trigger() == SyncTrigger.ON_DEMAND)
              .toList();
      assertThat(queued)
          .extracting(SyncMailbox::commandId, SyncMailbox::mode)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(answered.get(0), SyncMode.INCREMENTAL),
              org.assertj.core.groups.Tuple.tuple(full, SyncMode.FULL));
    }
  }

  private boolean isCommand(byte[] value, String commandId) {
    return codec.decode(value).data() instanceof SyncMailbox s && s.commandId().equals(commandId);
  }

  private static String sync(GatewayFixture gateway, String token, String mailboxId, String mode) {
    return (String)
        gateway
            .client()
            .post()
            .uri("/v1/mailboxes/" + mailboxId + "/sync?mode=" + mode)
            .header("Authorization", "Bearer " + token)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(java.util.Map.class)
            .returnResult()
            .getResponseBody()
            .get("commandId");
  }
}
