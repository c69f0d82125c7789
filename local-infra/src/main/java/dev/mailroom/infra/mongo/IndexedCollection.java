package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.List;

/** A collection of the embedded server whose queries {@link IndexedQueries} plans. */
interface IndexedCollection {
  /** The documents the query matches, read under the collection's lock. */
  List<Document> matching(Document query, int skip, int limit);

  /** Whether an index serves the query, so that reading it costs less than the collection. */
  boolean readsThroughIndex(Document query);
}
