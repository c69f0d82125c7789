package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

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
              protected MemoryCollection openOrCreateCollection(
                  String collection, CollectionOptions options) {
                return new LockedMemoryCollection(this, collection, options, cursorRegistry);
              }

              @Override
              protected Index<Integer> openOrCreateUniqueIndex(
                  String collection, String index, List<IndexKey> keys, boolean sparse) {
                return new NarrowingIndex<>(
                    super.openOrCreateUniqueIndex(collection, index, keys, sparse));
              }

              @Override
              protected Index<Integer> openOrCreateSecondaryIndex(
                  String collection, String index, List<IndexKey> keys, boolean sparse) {
                return new OrderedIndex<>(index, keys, sparse);
              }

              @Override
              public Document handleCommand(
                  Channel channel,
                  String command,
                  Document query,
                  DatabaseResolver resolver,
                  Oplog oplog) {
                Document answer = IndexedAggregation.answer(this, command, query, resolver, oplog);
                return answer != null
                    ? answer
                    : super.handleCommand(channel, command, query, resolver, oplog);
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
            MVStore store = getMvStore();
            return new H2Database(name, store, getCursorRegistry()) {
              @Override
              protected MongoCollection<Object> openOrCreateCollection(
                  String collection, CollectionOptions options) {
                // The map names H2Database itself gives a collection's documents and metadata.
                String namespace = getFullCollectionNamespace(collection);
                return new LockedH2Collection(
                    this,
                    collection,
                    options,
                    store.openMap("databases." + namespace),
                    store.openMap("meta." + namespace),
                    cursorRegistry);
              }

              @Override
              protected Index<Object> openOrCreateUniqueIndex(
                  String collection, String index, List<IndexKey> keys, boolean sparse) {
                // Stores written before unique indexes moved to the heap kept them in H2 maps of
                // this name; nothing reads those any more.
                String formerMap = getFullCollectionNamespace(collection) + "._index_" + index;
                if (store.hasMap(formerMap)) {
                  store.removeMap(formerMap);
                }
                return new NarrowingIndex<>(new HeapUniqueIndex(index, keys, sparse));
              }

              @Override
              protected Index<Object> openOrCreateSecondaryIndex(
                  String collection, String index, List<IndexKey> keys, boolean sparse) {
                return new OrderedIndex<>(index, keys, sparse);
              }

              @Override
              public Document handleCommand(
                  Channel channel,
                  String command,
                  Document query,
                  DatabaseResolver resolver,
                  Oplog oplog) {
                Document answer = IndexedAggregation.answer(this, command, query, resolver, oplog);
                return answer != null
                    ? answer
                    : super.handleCommand(channel, command, query, resolver, oplog);
              }
            };
          }
        },
        host,
        port);
  }

  /*
   * mongo-java-server locks a collection for its reads and writes but not for an index build or the
   * count command, which walk the collection's lists of documents and indexes while another thread
   * changes them and then answer "Unknown error: null" (bwaldvogel/mongo-java-server#195). Services
   * build their indexes in the background while others already use the collection, so these hold
   * the collection's lock too.
   */

  private static final class LockedMemoryCollection extends MemoryCollection
      implements IndexedCollection<Integer> {
    LockedMemoryCollection(
        MongoDatabase database,
        String name,
        CollectionOptions options,
        CursorRegistry cursorRegistry) {
      super(database, name, options, cursorRegistry);
    }

    @Override
    public synchronized void addIndex(Index<Integer> index) {
      super.addIndex(index);
    }

    @Override
    public synchronized void dropIndex(String indexName) {
      super.dropIndex(indexName);
    }

    @Override
    public synchronized int count(Document query, int skip, int limit) {
      return super.count(query, skip, limit);
    }

    @Override
    protected QueryResult queryDocuments(
        Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
      IndexedQueries.Plan<Integer> plan = IndexedQueries.plan(getIndexes(), query, orderBy);
      if (plan == null) {
        return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
      }
      Stream<Document> documents = plan.positions().map(this::getDocument);
      return plan.sorted()
          ? matchDocumentsFromStream(query, documents, skip, limit, batchSize, null, fields)
          : matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, fields);
    }

    @Override
    public synchronized List<Document> matching(
        Document query, Document orderBy, int skip, int limit) {
      return queryDocuments(query, orderBy, skip, limit, 0, null).collectDocuments();
    }
  }

  private static final class LockedH2Collection extends H2Collection
      implements IndexedCollection<Object> {
    LockedH2Collection(
        MongoDatabase database,
        String name,
        CollectionOptions options,
        MVMap<Object, Document> documents,
        MVMap<String, Object> meta,
        CursorRegistry cursorRegistry) {
      super(database, name, options, documents, meta, cursorRegistry);
    }

    @Override
    public synchronized void addIndex(Index<Object> index) {
      super.addIndex(index);
    }

    @Override
    public synchronized void dropIndex(String indexName) {
      super.dropIndex(indexName);
    }

    @Override
    public synchronized int count(Document query, int skip, int limit) {
      return super.count(query, skip, limit);
    }

    @Override
    protected QueryResult queryDocuments(
        Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
      IndexedQueries.Plan<Object> plan = IndexedQueries.plan(getIndexes(), query, orderBy);
      if (plan == null) {
        return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
      }
      Stream<Document> documents = plan.positions().map(this::getDocument);
      return plan.sorted()
          ? matchDocumentsFromStream(query, documents, skip, limit, batchSize, null, fields)
          : matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, fields);
    }

    @Override
    public synchronized List<Document> matching(
        Document query, Document orderBy, int skip, int limit) {
      return queryDocuments(query, orderBy, skip, limit, 0, null).collectDocuments();
    }
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
