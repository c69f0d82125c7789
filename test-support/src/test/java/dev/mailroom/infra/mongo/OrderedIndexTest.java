package dev.mailroom.infra.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderedIndexTest {
  @TempDir Path dataDir;

  private static final List<IndexKey> NEWEST_FIRST =
      List.of(
          new IndexKey("tenantId", true),
          new IndexKey("mailboxId", true),
          new IndexKey("receivedAt", false),
          new IndexKey("_id", false));

  /** The message list's own query: one tenant, some mailboxes, newest first, a page's worth. */
  @Test
  void aPinnedPrefixIsReadInTheSortsOrderAcrossSeveralMailboxes() {
    OrderedIndex<Integer> index = new OrderedIndex<>("newest", NEWEST_FIRST, false);
    int position = 0;
    for (String mailbox : List.of("m1", "m2", "m3")) {
      for (int minute = 0; minute < 5; minute++) {
        Document message =
            new Document("_id", mailbox + "-" + minute)
                .append("tenantId", "t1")
                .append("mailboxId", mailbox)
                // The server holds BSON dates as Instants.
                .append(
                    "receivedAt", Instant.ofEpochMilli(minute * 60_000L + mailbox.hashCode() % 7));
        index.add(message, position++, null);
      }
    }
    index.add(
        new Document("_id", "other").append("tenantId", "t2").append("mailboxId", "m1"), 99, null);
    List<Index<Integer>> indexes = List.of(index);

    Document query =
        new Document("tenantId", "t1")
            .append("deletedAt", null)
            .append("mailboxId", new Document("$in", List.of("m1", "m3")))
            .append("$and", List.of(new Document("labels", new Document("$ne", "TRASH"))));
    IndexedQueries.Plan<Integer> newest =
        IndexedQueries.plan(indexes, query, new Document("receivedAt", -1).append("_id", -1));
    assertThat(newest.sorted()).isTrue();
    // m1 and m3 minute by minute, newest first; m2 and the other tenant never read.
    List<Integer> read = newest.positions().limit(4).toList();
    assertThat(read).containsExactlyInAnyOrder(4, 14, 3, 13);

    IndexedQueries.Plan<Integer> oldest =
        IndexedQueries.plan(indexes, query, new Document("receivedAt", 1).append("_id", 1));
    assertThat(oldest.sorted()).isTrue();
    assertThat(oldest.positions().limit(2).toList()).containsExactlyInAnyOrder(0, 10);

    // A sort the index does not hold: the pinned prefix still narrows, the server sorts.
    IndexedQueries.Plan<Integer> bySubject =
        IndexedQueries.plan(indexes, query, new Document("subject", 1));
    assertThat(bySubject.sorted()).isFalse();
    assertThat(bySubject.positions().toList()).hasSize(10);

    // A count of pinned fields alone comes from the keys; any other condition needs documents.
    Document scope =
        new Document("tenantId", "t1")
            .append("mailboxId", new Document("$in", List.of("m1", "m3")));
    assertThat(IndexedQueries.coveredCount(indexes, scope, 0, 0)).isEqualTo(10);
    assertThat(IndexedQueries.coveredCount(indexes, scope, 3, 5)).isEqualTo(5);
    assertThat(IndexedQueries.coveredCount(indexes, new Document("tenantId", "t2"), 0, 0))
        .isEqualTo(1);
    assertThat(IndexedQueries.coveredCount(indexes, query, 0, 0)).isNull();
    assertThat(IndexedQueries.coveredCount(indexes, new Document("mailboxId", "m1"), 0, 0))
        .as("not the index's first field")
        .isNull();

    // Nothing pinned, or a pattern instead of a value: the collection is read as before.
    assertThat(IndexedQueries.plan(indexes, new Document("mailboxId", "m1"), null)).isNull();
    assertThat(
            IndexedQueries.plan(
                indexes, new Document("tenantId", Pattern.compile("^t")), new Document()))
        .isNull();
  }

  @Test
  void anIndexOverLongArraysStopsServing() {
    OrderedIndex<Integer> words =
        new OrderedIndex<>(
            "words", List.of(new IndexKey("tenantId", true), new IndexKey("words", true)), false);
    words.add(
        new Document("_id", "a").append("tenantId", "t1").append("words", List.of("x")), 0, null);
    assertThat(
            IndexedQueries.plan(List.of(words), new Document("tenantId", "t1"), null).positions())
        .containsExactly(0);
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= OrderedIndex.MAX_KEYS_PER_DOCUMENT; i++) {
      many.add("w" + i);
    }
    words.add(new Document("_id", "b").append("tenantId", "t1").append("words", many), 1, null);
    assertThat(words.serves()).isFalse();
    assertThat(IndexedQueries.plan(List.of(words), new Document("tenantId", "t1"), null)).isNull();
  }

  /**
   * Through the wire, on both backends, the indexed collection answers every query as an unindexed
   * twin does (a full scan), through inserts, updates of indexed fields and deletes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "disk"})
  void answersAreTheFullScansAnswers(String backend) {
    try (EmbeddedMongo mongo = EmbeddedMongoBackends.start(backend, dataDir);
        MongoClient client = MongoClients.create(mongo.uri())) {
      var database = client.getDatabase("mailroom");
      MongoCollection<org.bson.Document> indexed = database.getCollection("indexed");
      MongoCollection<org.bson.Document> scanned = database.getCollection("scanned");
      indexed.createIndex(
          Indexes.compoundIndex(
              Indexes.ascending("tenantId", "mailboxId"), Indexes.descending("receivedAt", "_id")));
      indexed.createIndex(Indexes.ascending("tenantId", "labels"));
      indexed.createIndex(Indexes.ascending("tenantId", "threadId"));

      Random random = new Random(17);
      for (int i = 0; i < 600; i++) {
        org.bson.Document message = message(random, i);
        indexed.insertOne(message);
        scanned.insertOne(new org.bson.Document(message));
      }
      for (int i = 0; i < 200; i++) {
        String id = "msg-" + random.nextInt(600);
        Bson change =
            switch (i % 4) {
              case 0 -> Updates.set("receivedAt", new Date(random.nextInt(50) * 1000L));
              case 1 -> Updates.addToSet("labels", "TRASH");
              case 2 -> Updates.set("mailboxId", "m" + random.nextInt(4));
              default -> Updates.unset("threadId");
            };
        indexed.updateOne(Filters.eq("_id", id), change);
        scanned.updateOne(Filters.eq("_id", id), change);
      }
      for (int i = 0; i < 50; i++) {
        Bson gone = Filters.eq("_id", "msg-" + random.nextInt(600));
        indexed.deleteOne(gone);
        scanned.deleteOne(gone);
      }

      Bson newest = Sorts.descending("receivedAt", "_id");
      for (String tenant : List.of("t1", "t2", "t3")) {
        List<Bson> filters =
            List.of(
                Filters.eq("tenantId", tenant),
                Filters.and(
                    Filters.eq("tenantId", tenant),
                    Filters.in("mailboxId", "m0", "m2", "m3"),
                    Filters.ne("labels", "TRASH")),
                Filters.and(Filters.eq("tenantId", tenant), Filters.eq("mailboxId", "m1")),
                // A count of these reads the index alone.
                Filters.and(Filters.eq("tenantId", tenant), Filters.in("mailboxId", "m0", "m3")),
                Filters.and(Filters.eq("tenantId", tenant), Filters.eq("labels", "INBOX")),
                Filters.and(
                    Filters.eq("tenantId", tenant),
                    Filters.eq("mailboxId", "m2"),
                    Filters.regex("subject", "7")),
                Filters.and(Filters.eq("tenantId", tenant), Filters.eq("threadId", "th-3")));
        for (Bson filter : filters) {
          for (Bson sort : List.of(newest, Sorts.ascending("receivedAt", "_id"))) {
            for (int skip : List.of(0, 7)) {
              assertThat(ids(indexed, filter, sort, skip, 20))
                  .as("%s sorted by %s from %d", filter, sort, skip)
                  .isEqualTo(ids(scanned, filter, sort, skip, 20));
            }
          }
          assertThat(ids(indexed, filter, null, 0, 0))
              .containsExactlyInAnyOrderElementsOf(ids(scanned, filter, null, 0, 0));
          // The driver's countDocuments is an aggregation: $match, $skip, $limit, $group.
          for (CountOptions options :
              List.of(new CountOptions(), new CountOptions().limit(15).skip(3))) {
            assertThat(indexed.countDocuments(filter, options))
                .as("count of %s", filter)
                .isEqualTo(scanned.countDocuments(filter, options));
          }
          // An estimated total's sample: the newest of the filter's matches, matched again.
          List<Bson> sample =
              List.of(
                  Aggregates.match(filter),
                  Aggregates.sort(newest),
                  Aggregates.limit(40),
                  Aggregates.match(Filters.ne("labels", "TRASH")),
                  Aggregates.group(null, Accumulators.sum("n", 1)));
          assertThat(indexed.aggregate(sample).into(new ArrayList<>()))
              .as("sample of %s", filter)
              .isEqualTo(scanned.aggregate(sample).into(new ArrayList<>()));
        }
      }
      assertThat(ids(indexed, Filters.eq("tenantId", "t1"), newest, 0, 0)).isNotEmpty();
    }
  }

  private static org.bson.Document message(Random random, int i) {
    org.bson.Document message =
        new org.bson.Document("_id", "msg-" + i)
            .append("tenantId", "t" + (1 + random.nextInt(3)))
            .append("mailboxId", "m" + random.nextInt(4))
            // Many equal times, so that the _id decides the order among them.
            .append("receivedAt", new Date(random.nextInt(50) * 1000L))
            .append("subject", "Message " + i)
            .append(
                "labels",
                switch (i % 3) {
                  case 0 -> List.of("INBOX");
                  case 1 -> List.of("INBOX", "IMPORTANT");
                  default -> List.of();
                });
    if (i % 5 != 0) {
      message.append("threadId", "th-" + random.nextInt(10));
    }
    return message;
  }

  private static List<Object> ids(
      MongoCollection<org.bson.Document> collection, Bson filter, Bson sort, int skip, int limit) {
    List<Object> ids = new ArrayList<>();
    var find = collection.find(filter).skip(skip).limit(limit);
    if (sort != null) {
      find = find.sort(sort);
    }
    find.forEach(document -> ids.add(document.get("_id")));
    return ids;
  }
}
