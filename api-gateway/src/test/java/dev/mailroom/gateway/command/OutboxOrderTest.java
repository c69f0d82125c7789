package dev.mailroom.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.mongodb.reactivestreams.client.MongoClients;
import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * The submitter and the relay together, on a real outbox, against a broker that can be taken away
 * or made to refuse one mailbox's records: what reaches the topic, in which order.
 */
@WithMailroomInfrastructure
class OutboxOrderTest {
  private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");
  private static final Duration RELAY_DELAY = Duration.ofSeconds(5);
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();

  private final SettableClock clock = new SettableClock(T);
  private final List<String> topic = new CopyOnWriteArrayList<>();
  private volatile boolean brokerDown;
  private volatile Set<String> refusedKeys = Set.of();
  private OutboxRepository outbox;
  private PublishedMarks marks;
  private CommandSubmitter submitter;
  private OutboxRelay relay;

  @BeforeEach
  void setUp(InfrastructureEndpoints endpoints) {
    ReactiveMongoTemplate mongo =
        new ReactiveMongoTemplate(
            MongoClients.create(endpoints.mongoUri()),
            "outbox_order_" + UUID.randomUUID().toString().replace("-", ""));
    outbox = new OutboxRepository(mongo, Duration.ofDays(7));
    marks = new PublishedMarks(outbox, clock);
    GatewayProperties properties = mock(GatewayProperties.class);
    when(properties.outboxRelayDelay()).thenReturn(RELAY_DELAY);
    when(properties.publishTimeout()).thenReturn(Duration.ofSeconds(5));
    EnvelopePublisher publisher = mock(EnvelopePublisher.class);
    when(publisher.publish(anyString(), anyString(), any(byte[].class)))
        .thenAnswer(
            call ->
                Mono.defer(
                    () -> {
                      String key = call.getArgument(1);
                      if (brokerDown || refusedKeys.contains(key)) {
                        return Mono.error(new IllegalStateException("broker refused " + key));
                      }
                      topic.add(CODEC.decode(call.<byte[]>getArgument(2)).id());
                      return Mono.empty();
                    }));
    submitter =
        new CommandSubmitter(outbox, marks, publisher, CODEC, properties, clock, 1024 * 1024);
    relay = new OutboxRelay(outbox, publisher, properties, clock);
  }

  @AfterEach
  void tearDown() {
    marks.destroy();
  }

  private String submit(String mailbox) {
    String id = "cmd_" + UUID.randomUUID();
    submitter
        .submit(new DeleteMessage(id, "ten_1", mailbox, "msg_1", clock.instant()), "corr")
        .block();
    marks.flush().block();
    return id;
  }

  private OutboxRecord stored(String id) {
    return outbox.findById(id).block();
  }

  @Test
  void aCommandLeftToTheRelayReachesTheTopicBeforeALaterOneOfItsMailbox() {
    brokerDown = true;
    String markRead = submit("mbx_m");
    brokerDown = false;
    clock.advance(Duration.ofSeconds(1));
    String markUnread = submit("mbx_m");
    clock.advance(Duration.ofSeconds(10));
    relay.relay();

    assertThat(topic).containsExactly(markRead, markUnread);
    assertThat(stored(markRead).status()).isEqualTo(OutboxStatus.PUBLISHED);
    assertThat(stored(markUnread).status()).isEqualTo(OutboxStatus.PUBLISHED);
  }

  @Test
  void aHeldMailboxDoesNotWaitLongerThanOnePassForItsNewCommands() {
    brokerDown = true;
    String first = submit("mbx_m");
    brokerDown = false;
    clock.advance(RELAY_DELAY.plusSeconds(1));
    String second = submit("mbx_m");
    // The second command is younger than the relay delay: it goes in the same pass, after the
    // first.
    relay.relay();

    assertThat(topic).containsExactly(first, second);
  }

  @Test
  void anotherMailboxIsNotHeldByAHeldOne() {
    brokerDown = true;
    String held = submit("mbx_m");
    brokerDown = false;
    String later = submit("mbx_m");
    String other = submit("mbx_other");

    assertThat(topic).as("published at once, before any relay pass").containsExactly(other);
    assertThat(stored(held).status()).isEqualTo(OutboxStatus.PENDING);
    assertThat(stored(later).status()).isEqualTo(OutboxStatus.PENDING);
  }

  @Test
  void aRecordTheBrokerKeepsRefusingDoesNotStopOtherMailboxesPassAfterPass() {
    // More refused mailboxes than the failures that end a pass, all older than the good ones.
    List<String> refusedMailboxes = List.of("mbx_p1", "mbx_p2", "mbx_p3", "mbx_p4");
    brokerDown = true;
    List<String> refused = refusedMailboxes.stream().map(this::submit).toList();
    clock.advance(Duration.ofSeconds(1));
    List<String> good = List.of(submit("mbx_g1"), submit("mbx_g2"), submit("mbx_g3"));
    brokerDown = false;
    refusedKeys = Set.copyOf(refusedMailboxes);
    clock.advance(Duration.ofSeconds(10));

    relay.relay();
    relay.relay();

    assertThat(topic).containsExactlyInAnyOrderElementsOf(good);
    for (String id : refused) {
      OutboxRecord record = stored(id);
      assertThat(record.status()).as("kept for a later pass").isEqualTo(OutboxStatus.PENDING);
      assertThat(record.attempts()).isGreaterThan(1);
      assertThat(record.lastError()).contains("broker refused");
    }
  }

  @Test
  void onceAMailboxHasCaughtUpItsCommandsArePublishedDirectlyAgain() {
    brokerDown = true;
    String first = submit("mbx_m");
    brokerDown = false;
    clock.advance(Duration.ofSeconds(10));
    relay.relay();
    assertThat(topic).containsExactly(first);

    String next = submit("mbx_m");
    assertThat(topic).as("published at once, before any relay pass").containsExactly(first, next);
    assertThat(stored(next).status()).isEqualTo(OutboxStatus.PUBLISHED);
  }

  /** Moves only when told, so a test decides which records the relay finds due. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
