package dev.mailroom.infra.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NarrowingIndexTest {
  @TempDir Path dataDir;

  @Test
  void anIndexServesQueriesThatNameMoreThanItsFields() {
    NarrowingIndex<Integer> ids =
        new NarrowingIndex<>(
            new MemoryUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false));
    ids.add(new Document("_id", "a").append("tenantId", "t1"), 0, null);
    ids.add(new Document("_id", "b").append("tenantId", "t2"), 1, null);

    Document one = new Document("tenantId", "t1").append("_id", "a");
    assertThat(ids.canHandle(one)).isTrue();
    assertThat(ids.getPositions(one)).containsExactly(0);
    Document some =
        new Document("tenantId", "t1").append("_id", new Document("$in", List.of("b", "a", "z")));
    assertThat(ids.canHandle(some)).isTrue();
    assertThat(ids.getPositions(some)).containsExactlyInAnyOrder(0, 1);

    // What an index cannot select by equality is left to the full scan.
    assertThat(
            ids.canHandle(new Document("tenantId", "t1").append("_id", new Document("$ne", "a"))))
        .isFalse();
    assertThat(ids.canHandle(new Document("tenantId", "t1").append("_id", null))).isFalse();
    assertThat(ids.canHandle(new Document("tenantId", "t1"))).isFalse();
  }

  @Test
  void aCompoundIndexExpandsOneInListIntoLookups() {
    NarrowingIndex<Integer> refs =
        new NarrowingIndex<>(
            new MemoryUniqueIndex(
                "refs",
                List.of(new IndexKey("mailboxId", true), new IndexKey("ref", true)),
                false));
    refs.add(new Document("_id", "a").append("mailboxId", "m1").append("ref", "INBOX:1"), 0, null);
    refs.add(new Document("_id", "b").append("mailboxId", "m1").append("ref", "INBOX:2"), 1, null);
    refs.add(new Document("_id", "c").append("mailboxId", "m2").append("ref", "INBOX:1"), 2, null);

    Document query =
        new Document("tenantId", "t1")
            .append("mailboxId", "m1")
            .append("ref", new Document("$in", List.of("INBOX:1", "INBOX:2", "INBOX:9")));
    assertThat(refs.canHandle(query)).isTrue();
    assertThat(refs.getPositions(query)).containsExactlyInAnyOrder(0, 1);
    Document pattern =
        new Document("tenantId", "t1")
            .append("mailboxId", "m1")
            .append("ref", Pattern.compile("^INBOX"));
    assertThat(refs.canHandle(pattern)).isFalse();
  }

  /** Through the wire, on both backends: the same answers as a full scan, tenants kept apart. */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "disk"})
  void queriesAndUpdatesAnswerAsBefore(String backend) {
    try (EmbeddedMongo server = EmbeddedMongoBackends.start(backend, dataDir);
        MongoClient client = MongoClients.create(server.uri())) {
      MongoCollection<org.bson.Document> messages =
          client.getDatabase("mailroom").getCollection("messages");
      messages.createIndex(
          Indexes.ascending("mailboxId", "providerMessageId"), new IndexOptions().unique(true));
      List<org.bson.Document> docs = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        docs.add(
            new org.bson.Document("_id", "msg_" + i)
                .append("tenantId", i % 2 == 0 ? "t1" : "t2")
                .append("mailboxId", i % 2 == 0 ? "m1" : "m2")
                .append("providerMessageId", "INBOX:7:" + i)
                .append("read", false));
      }
      messages.insertMany(docs);

      assertThat(
              ids(messages, Filters.and(Filters.eq("tenantId", "t1"), Filters.eq("_id", "msg_4"))))
          .containsExactly("msg_4");
      assertThat(
              ids(messages, Filters.and(Filters.eq("tenantId", "t2"), Filters.eq("_id", "msg_4"))))
          .isEmpty();
      assertThat(
              ids(
                  messages,
                  Filters.and(
                      Filters.eq("tenantId", "t1"),
                      Filters.in("_id", "msg_1", "msg_2", "msg_3", "msg_4", "nope"))))
          .containsExactlyInAnyOrder("msg_2", "msg_4");
      assertThat(
              ids(
                  messages,
                  Filters.and(
                      Filters.eq("tenantId", "t1"),
                      Filters.eq("mailboxId", "m1"),
                      Filters.in("providerMessageId", "INBOX:7:0", "INBOX:7:1", "INBOX:7:10"))))
          .containsExactlyInAnyOrder("msg_0", "msg_10");
      assertThat(
              ids(
                  messages,
                  Filters.and(
                      Filters.eq("tenantId", "t1"),
                      Filters.eq("mailboxId", "m1"),
                      Filters.regex("providerMessageId", "^INBOX:7:4"))))
          .containsExactlyInAnyOrder("msg_4", "msg_40", "msg_42", "msg_44", "msg_46", "msg_48");

      // Another tenant's update by id changes nothing; the owner's does.
      assertThat(
              messages
                  .updateOne(
                      Filters.and(Filters.eq("tenantId", "t2"), Filters.eq("_id", "msg_6")),
                      Updates.set("read", true))
                  .getModifiedCount())
          .isZero();
      assertThat(
              messages
                  .updateOne(
                      Filters.and(Filters.eq("tenantId", "t1"), Filters.eq("_id", "msg_6")),
                      Updates.set("providerMessageId", "Sent:1:6"))
                  .getModifiedCount())
          .isEqualTo(1);
      // The index follows the update.
      assertThat(
              ids(
                  messages,
                  Filters.and(
                      Filters.eq("tenantId", "t1"),
                      Filters.eq("mailboxId", "m1"),
                      Filters.in("providerMessageId", "Sent:1:6", "INBOX:7:6"))))
          .containsExactly("msg_6");
      assertThat(
              messages
                  .deleteOne(Filters.and(Filters.eq("tenantId", "t1"), Filters.eq("_id", "msg_8")))
                  .getDeletedCount())
          .isEqualTo(1);
      assertThat(messages.countDocuments()).isEqualTo(49);
    }
  }

  private static List<String> ids(MongoCollection<org.bson.Document> collection, Bson filter) {
    List<String> ids = new ArrayList<>();
    collection.find(filter).forEach(doc -> ids.add(doc.getString("_id")));
    return ids;
  }
}
