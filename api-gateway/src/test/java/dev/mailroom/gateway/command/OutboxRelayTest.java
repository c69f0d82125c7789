package dev.mailroom.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class OutboxRelayTest {
  private final OutboxRepository outbox = mock(OutboxRepository.class);
  private final EnvelopePublisher publisher = mock(EnvelopePublisher.class);
  private final List<String> published = new ArrayList<>();

  private OutboxRelay relay(List<OutboxRecord> pending, List<String> failing) {
    GatewayProperties properties = mock(GatewayProperties.class);
    when(properties.outboxRelayDelay()).thenReturn(Duration.ofSeconds(5));
    when(outbox.findHeldKeys()).thenReturn(Flux.empty());
    when(outbox.findDue(any(), any(), any(), anyInt())).thenReturn(Flux.fromIterable(pending));
    when(outbox.markPublished(any(), any())).thenReturn(Mono.empty());
    when(outbox.recordFailure(any(), anyString(), any())).thenReturn(Mono.empty());
    when(publisher.publish(anyString(), anyString(), any(byte[].class)))
        .thenAnswer(
            call -> {
              String payload = new String(call.<byte[]>getArgument(2), StandardCharsets.UTF_8);
              return Mono.defer(
                  () -> {
                    if (failing.contains(payload)) {
                      return Mono.error(new IllegalStateException("record too large"));
                    }
                    published.add(payload);
                    return Mono.empty();
                  });
            });
    return new OutboxRelay(
        outbox, publisher, properties, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  private static OutboxRecord pending(String id, String mailbox) {
    return new OutboxRecord(
        id,
        "ten_1",
        "mailroom.commands.send",
        mailbox,
        id,
        OutboxStatus.PENDING,
        0,
        Instant.EPOCH,
        null,
        null,
        null);
  }

  @Test
  void aFailingRecordIsSkippedAndItsMailboxWaitsWhileOthersGoOn() {
    OutboxRelay relay =
        relay(
            List.of(
                pending("a1", "mbx_a"),
                pending("b1", "mbx_b"),
                pending("a2", "mbx_a"),
                pending("b2", "mbx_b")),
            List.of("a1"));
    relay.relay();
    assertThat(published).containsExactly("b1", "b2");
    verify(outbox).recordFailure(argThat(record -> record.id().equals("a1")), anyString(), any());
    verify(outbox, never())
        .recordFailure(argThat(record -> record.id().equals("a2")), anyString(), any());
  }

  @Test
  void aBrokerThatRefusesEverythingEndsThePassAfterAFewTries() {
    List<OutboxRecord> pending = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      pending.add(pending("m" + i, "mbx_" + i));
    }
    OutboxRelay relay = relay(pending, pending.stream().map(OutboxRecord::id).toList());
    relay.relay();
    assertThat(published).isEmpty();
    verify(outbox, org.mockito.Mockito.times(3)).recordFailure(any(), anyString(), any());
  }
}
