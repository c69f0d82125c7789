package dev.mailroom.infra.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every service creates its indexes in the background at start while others already read and write,
 * and the tests of one module share one server. mongo-java-server locks a collection for reads and
 * writes but not for index builds or the {@code count} command, which then walk lists another
 * thread is changing and answer "Unknown error: null".
 */
class EmbeddedMongoConcurrencyTest {
  private static final int WRITERS = 3;
  private static final int DOCUMENTS_EACH = 400;
  private static final int INDEXES = 12;

  @TempDir Path dataDir;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "disk"})
  void indexBuildsAndCountsRunBesideWrites(String backend) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    try (EmbeddedMongo server = EmbeddedMongoBackends.start(backend, dataDir);
        MongoClient client = MongoClients.create(server.uri())) {
      MongoDatabase database = client.getDatabase("mailroom");
      MongoCollection<Document> messages = database.getCollection("messages");
      messages.insertOne(new Document("_id", "seed").append("tenantId", "t1"));
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> work = new ArrayList<>();
      // Each body waits for the others, so that they overlap; what one throws is kept.
      Consumer<Runnable> together =
          body ->
              work.add(
                  pool.submit(
                      () -> {
                        try {
                          start.await();
                          body.run();
                        } catch (Throwable e) {
                          failures.add(e);
                        }
                      }));
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        together.accept(
            () -> {
              for (int i = 0; i < DOCUMENTS_EACH; i++) {
                Document doc = new Document("_id", "msg_" + writer + "_" + i);
                doc.append("tenantId", "t1");
                for (int f = 0; f < INDEXES; f++) {
                  doc.append("f" + f, i % 7);
                }
                messages.insertOne(doc);
                messages.find(Filters.eq("_id", doc.get("_id"))).first();
              }
            });
      }
      together.accept(
          () -> {
            for (int f = 0; f < INDEXES; f++) {
              messages.createIndex(Indexes.ascending("tenantId", "f" + f));
            }
          });
      together.accept(
          () -> {
            for (int i = 0; i < 200; i++) {
              database.runCommand(
                  new Document("count", "messages")
                      .append("query", new Document("tenantId", "t1")));
            }
          });
      start.countDown();
      for (Future<?> f : work) {
        f.get(2, TimeUnit.MINUTES);
      }
      assertThat(failures).isEmpty();
      assertThat(messages.countDocuments(Filters.eq("tenantId", "t1")))
          .isEqualTo(1 + WRITERS * DOCUMENTS_EACH);
      assertThat(messages.listIndexes()).hasSize(1 + INDEXES);
    } finally {
      pool.shutdownNow();
    }
  }
}
