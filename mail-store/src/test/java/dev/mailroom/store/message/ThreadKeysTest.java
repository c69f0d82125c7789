package dev.mailroom.store.message;

import static dev.mailroom.store.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.StoreFixtures;
import dev.mailroom.store.config.MongoIndexes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** What threading finds by key, as the messages repository writes and reads it. */
@WithMailroomInfrastructure
class ThreadKeysTest {
  private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");

  private ReactiveMongoTemplate mongo;
  private MessageRepository messages;
  private ThreadKeys keys;

  @BeforeEach
  void setUp(InfrastructureEndpoints endpoints) {
    mongo = StoreFixtures.freshDatabase(endpoints);
    new MongoIndexes(mongo, true).ensure().block();
    messages = new MessageRepository(mongo);
    keys = new ThreadKeys(mongo);
  }

  @Test
  void aStoredMessageIsFoundByItsMessageIdInItsOwnMailboxOnly() {
    messages.insert(message("a").thread("thr_1").build()).block();
    messages.insert(message("b").mailbox("m2").thread("thr_2").build()).block();
    messages.insert(message("c").tenant("t2").thread("thr_3").build()).block();

    assertThat(
            messages
                .threadsByMessageId(
                    "t1", "m1", List.of("a@example.com", "b@example.com", "c@example.com"))
                .block())
        .containsExactly(Map.entry("a@example.com", "thr_1"));
  }

  @Test
  void aReplyStoredFirstGivesItsThreadToWhatItRepliesTo() {
    messages.insert(message("r").thread("thr_r").replyTo("root@x", "parent@x").build()).block();

    assertThat(
            messages
                .threadsOfRepliesTo("t1", "m1", List.of("root@x", "parent@x", "other@x"))
                .block())
        .containsOnly(Map.entry("root@x", "thr_r"), Map.entry("parent@x", "thr_r"));
  }

  @Test
  void aMessageIdKeepsTheFirstThreadSoARetriedBatchThreadsAsBefore() {
    messages.insertNew(List.of(message("a").thread("thr_first").build())).block();
    // The same message again, threaded anew by a retry: neither the message nor its key changes.
    messages.insertNew(List.of(message("a").thread("thr_second").build())).block();

    assertThat(messages.threadsByMessageId("t1", "m1", List.of("a@example.com")).block())
        .containsExactly(Map.entry("a@example.com", "thr_first"));
  }

  @Test
  void aSubjectKeepsItsNewestMessagesThreadWhateverTheOrderStored() {
    messages
        .insertNew(
            List.of(
                message("new").subject("Re: Plans").thread("thr_new").receivedAt(T).build(),
                message("mid")
                    .subject("Plans")
                    .thread("thr_mid")
                    .receivedAt(T.minusSeconds(60))
                    .build()))
        .block();
    messages
        .insert(
            message("old")
                .subject("Fwd: plans")
                .thread("thr_old")
                .receivedAt(T.minusSeconds(3600))
                .build())
        .block();

    assertThat(messages.newestThreadsBySubject("t1", "m1", List.of("plans", "other")).block())
        .containsExactly(Map.entry("plans", new ThreadKeys.SubjectThread("thr_new", T)));
  }

  @Test
  void longValuesAreKeyedByTheirHash() {
    String subject = "Re: " + "a very long subject ".repeat(40);
    messages
        .insert(message("long").subject(subject).thread("thr_long").receivedAt(T).build())
        .block();

    assertThat(
            messages
                .newestThreadsBySubject("t1", "m1", List.of(SubjectKey.of(subject)))
                .block()
                .values())
        .extracting(ThreadKeys.SubjectThread::threadId)
        .containsExactly("thr_long");
  }

  @Test
  void messagesStoredBeforeKeysExistedAreKeyedOnceAtStartUp() {
    // As an earlier version stored them: the message alone.
    mongo.insert(message("old").thread("thr_old").replyTo("root@x").build()).block();
    assertThat(messages.threadsByMessageId("t1", "m1", List.of("old@example.com")).block())
        .isEmpty();

    assertThat(keys.keyStoredMessages().block()).isEqualTo(1);
    assertThat(keys.keyStoredMessages().block()).as("once").isZero();

    assertThat(messages.threadsByMessageId("t1", "m1", List.of("old@example.com")).block())
        .containsExactly(Map.entry("old@example.com", "thr_old"));
    assertThat(messages.threadsOfRepliesTo("t1", "m1", List.of("root@x")).block())
        .containsExactly(Map.entry("root@x", "thr_old"));
  }

  @Test
  void purgingAMailboxRemovesItsKeysAndNoOthers() {
    messages.insert(message("a").thread("thr_a").build()).block();
    messages.insert(message("b").mailbox("m2").thread("thr_b").build()).block();

    assertThat(keys.purgeMailbox("t1", "m1").block()).isPositive();

    assertThat(messages.threadsByMessageId("t1", "m1", List.of("a@example.com")).block()).isEmpty();
    assertThat(messages.threadsByMessageId("t1", "m2", List.of("b@example.com")).block())
        .containsExactly(Map.entry("b@example.com", "thr_b"));
  }
}
