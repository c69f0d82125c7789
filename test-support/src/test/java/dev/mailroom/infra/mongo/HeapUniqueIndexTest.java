package dev.mailroom.infra.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Path;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk store's unique indexes live on the heap and are rebuilt when the store opens. */
class HeapUniqueIndexTest {
  @TempDir Path dataDir;

  @Test
  void uniquenessHoldsAcrossARestartOfTheOnDiskStore() {
    try (EmbeddedMongo mongo = EmbeddedMongo.onDisk(dataDir, "127.0.0.1", 0);
        MongoClient client = MongoClients.create(mongo.uri())) {
      MongoCollection<Document> refs = refs(client);
      indexRefsUniquely(refs);
      refs.insertOne(ref("a", "m1", "INBOX:1"));
      refs.insertOne(ref("b", "m1", "INBOX:2"));
      refs.insertOne(ref("c", "m2", "INBOX:1"));
      assertDuplicate(() -> refs.insertOne(ref("d", "m1", "INBOX:1")));
      // A key an update gives up is free again; the one it takes is not.
      refs.updateOne(Filters.eq("_id", "b"), Updates.set("ref", "INBOX:3"));
    }

    try (EmbeddedMongo mongo = EmbeddedMongo.onDisk(dataDir, "127.0.0.1", 0);
        MongoClient client = MongoClients.create(mongo.uri())) {
      MongoCollection<Document> refs = refs(client);
      assertDuplicate(() -> refs.insertOne(ref("e", "m1", "INBOX:3")));
      assertDuplicate(() -> refs.insertOne(ref("a", "m9", "x")));
      refs.insertOne(ref("f", "m1", "INBOX:2"));
      assertThat(
              refs.find(Filters.and(Filters.eq("mailboxId", "m1"), Filters.eq("ref", "INBOX:1")))
                  .first())
          .containsEntry("_id", "a");
      assertThat(refs.find(Filters.eq("_id", "f")).first()).containsEntry("ref", "INBOX:2");
      assertThat(refs.countDocuments()).isEqualTo(4);
      refs.deleteOne(Filters.eq("_id", "a"));
      refs.insertOne(ref("g", "m1", "INBOX:1"));
      refs.dropIndex("refs");
      refs.insertOne(ref("h", "m1", "INBOX:1"));
    }
  }

  /** A store whose unique indexes the server kept in H2 maps opens with them on the heap. */
  @Test
  void aStoreWrittenWithTheServersOwnUniqueIndexesOpensWithTheirKeys() {
    H2Backend former = new H2Backend(dataDir.resolve("mongo.mv").toString());
    MongoServer server = new MongoServer(former);
    server.bind("127.0.0.1", 0);
    try (MongoClient client =
        MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
      MongoCollection<Document> refs = refs(client);
      indexRefsUniquely(refs);
      refs.insertOne(ref("a", "m1", "INBOX:1"));
    } finally {
      server.shutdown();
      former.close();
    }

    try (EmbeddedMongo mongo = EmbeddedMongo.onDisk(dataDir, "127.0.0.1", 0);
        MongoClient client = MongoClients.create(mongo.uri())) {
      MongoCollection<Document> refs = refs(client);
      assertDuplicate(() -> refs.insertOne(ref("b", "m1", "INBOX:1")));
      refs.insertOne(ref("c", "m1", "INBOX:2"));
      assertThat(refs.countDocuments()).isEqualTo(2);
    }
    try (MVStore store = MVStore.open(dataDir.resolve("mongo.mv").toString())) {
      assertThat(store.getMapNames()).noneMatch(name -> name.contains("._index_"));
    }
  }

  /** The unique index the tests exercise: a mailbox's provider references, as on messages. */
  private static void indexRefsUniquely(MongoCollection<Document> refs) {
    refs.createIndex(
        Indexes.ascending("mailboxId", "ref"), new IndexOptions().unique(true).name("refs"));
  }

  private static Document ref(String id, String mailboxId, String ref) {
    return new Document("_id", id).append("mailboxId", mailboxId).append("ref", ref);
  }

  private static MongoCollection<Document> refs(MongoClient client) {
    return client.getDatabase("mailroom").getCollection("refs");
  }

  private static void assertDuplicate(Runnable insert) {
    assertThatThrownBy(insert::run)
        .isInstanceOfSatisfying(
            MongoWriteException.class,
            e -> assertThat(e.getError().getCategory()).isEqualTo(ErrorCategory.DUPLICATE_KEY));
  }
}
