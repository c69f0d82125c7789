package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A MongoDB wire-protocol server (mongo-java-server): in memory for tests, H2 on disk for the quick
 * start. It has no {@code $text} and no transactions, so the code never relies on either. Its
 * unique indexes serve queries that name more than their own fields ({@link NarrowingIndex}).
 */
public final class EmbeddedMongo implements AutoCloseable {
  private final MongoServer server;
  private final MongoBackend backend;
  private final String uri;

  private EmbeddedMongo(MongoBackend backend, String host, int port) {
    this.backend = backend;
    this.server = new MongoServer(backend);
    server.bind(host, port);
    var address = server.getLocalAddress();
    this.uri = "mongodb://" + host + ":" + address.getPort() + "/mailroom";
  }

  public static EmbeddedMongo inMemory(String host, int port) {
    return new EmbeddedMongo(
        new MemoryBackend() {
          @Override
          public MemoryDatabase openOrCreateDatabase(String name) {
            return new MemoryDatabase(name, getCursorRegistry()) {
              @Override
              protected Index<Integer> openOrCreateUniqueIndex(
                  String collection, String index, List<IndexKey> keys, boolean sparse) {
                return new NarrowingIndex<>(
                    super.openOrCreateUniqueIndex(collection, index, keys, sparse));
              }
            };
          }
        },
        host,
        port);
  }

  /** Persists to {@code dataDir/mongo.mv} so data survives a restart. */
  public static EmbeddedMongo onDisk(Path dataDir, String host, int port) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EmbeddedMongo(
        new H2Backend(dataDir.resolve("mongo.mv").toString()) {
          @Override
          protected MongoDatabase openOrCreateDatabase(String name) {
            return new H2Database(name, getMvStore(), getCursorRegistry()) {
              @Override
              protected Index<Object> openOrCreateUniqueIndex(
                  String collection, String index, List<IndexKey> keys, boolean sparse) {
                return new NarrowingIndex<>(
                    super.openOrCreateUniqueIndex(collection, index, keys, sparse));
              }
            };
          }
        },
        host,
        port);
  }

  /** Connection string including the {@code mailroom} database. */
  public String uri() {
    return uri;
  }

  @Override
  public void close() {
    server.shutdown();
    backend.close();
  }
}
