package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;

/** A collection of the embedded server whose queries {@link IndexedQueries} plans. */
interface IndexedCollection<P> {
  /**
   * The documents the query matches, in {@code orderBy}'s order (null for the index's), read under
   * the collection's lock.
   */
  List<Document> matching(Document query, Document orderBy, int skip, int limit);

  /** The collection's own indexes (the server's collections offer them). */
  List<Index<P>> getIndexes();

  /** Whether an index serves the query, so that reading it costs less than the collection. */
  default boolean readsThroughIndex(Document query, Document orderBy) {
    synchronized (this) {
      return IndexedQueries.plan(getIndexes(), query, orderBy) != null;
    }
  }

  /** How many documents the query matches, from an index's keys alone; null if none covers it. */
  default Long coveredCount(Document query, int skip, int limit) {
    synchronized (this) {
      return IndexedQueries.coveredCount(getIndexes(), query, skip, limit);
    }
  }
}
