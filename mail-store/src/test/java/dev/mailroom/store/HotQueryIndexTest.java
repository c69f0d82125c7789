package dev.mailroom.store;

import static dev.mailroom.store.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.config.MongoIndexes;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * On a real MongoDB (Testcontainers, where a Docker engine exists), every query a synced batch, a
 * send and a list page make is served by an index: MongoDB's profiler records each query the
 * repository really sends, and none may be a collection scan. The embedded server has no query
 * planner to ask, so there the test is skipped.
 */
@WithMailroomInfrastructure
class HotQueryIndexTest {
  private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");

  @Test
  void everyHotQueryIsServedByAnIndex(TestInfrastructure infrastructure) {
    assumeTrue(
        infrastructure.kind() == TestInfrastructure.Kind.CONTAINERS,
        "needs MongoDB itself, from a container");
    ReactiveMongoTemplate mongo = StoreFixtures.freshDatabase(infrastructure.endpoints());
    new MongoIndexes(mongo, false).ensure().block();
    MessageRepository messages = new MessageRepository(mongo);
    for (int i = 0; i < 300; i++) {
      messages
          .insert(
              message("msg_" + i)
                  .mailbox(i % 2 == 0 ? "m1" : "m2")
                  .subject("Quarterly report " + i)
                  .receivedAt(T.plusSeconds(i))
                  .providerMessageId("INBOX:7:" + i)
                  .build())
          .block();
    }
    messages.insert(message("msg_out").outbound(MessageStatus.QUEUED).build()).block();

    mongo.executeCommand(new Document("profile", 2).append("slowms", 0)).block();
    // A synced page and batch.
    messages.findRefs("t1", "m1", List.of("INBOX:7:0", "INBOX:7:2", "INBOX:7:999")).blockLast();
    messages.findPendingOutbound("t1", "m1", List.of("msg_out@example.com")).block();
    messages.threadsByMessageId("t1", "m1", List.of("msg_4@example.com")).block();
    messages.threadsOfRepliesTo("t1", "m1", List.of("msg_4@example.com")).block();
    messages.setProviderMessageId("t1", "msg_out", "Sent:1:1", List.of("SENT")).block();
    // A send's record.
    messages.findById("t1", "msg_8").block();
    messages.markSent("t1", "msg_out", "raw/msg_out", T, T).block();
    // A list page and a search.
    MessageQuery newest = new MessageQuery.Builder("t1", List.of("m1", "m2")).limit(20).build();
    messages.search(newest).collectList().block();
    messages
        .search(
            new MessageQuery.Builder("t1", List.of("m1", "m2"))
                .subject("report 42")
                .limit(20)
                .build())
        .collectList()
        .block();
    mongo.executeCommand(new Document("profile", 0)).block();

    List<Document> planned = new ArrayList<>();
    mongo
        .find(
            Query.query(
                Criteria.where("ns")
                    .regex("\\.(messages|thread_keys)$")
                    .and("planSummary")
                    .exists(true)),
            Document.class,
            "system.profile")
        .toIterable()
        .forEach(planned::add);
    assertThat(planned).hasSizeGreaterThanOrEqualTo(8);
    assertThat(planned)
        .allSatisfy(
            op ->
                assertThat(op.getString("planSummary"))
                    .as("%s on %s", op.get("command"), op.getString("ns"))
                    .doesNotContain("COLLSCAN"));
  }
}
