package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A unique index of the embedded server that also serves queries naming more fields than its own,
 * as MongoDB's indexes do.
 *
 * <p>mongo-java-server uses an index only for a query that names exactly the index's fields. Every
 * tenant-scoped read or update of one record names {@code tenantId} beside {@code _id}, so each of
 * them read the whole collection, and a sync of 10,000 messages read it tens of thousands of times.
 * Wrapped, the index selects the documents its own fields match (exact values, or one {@code $in}
 * list) and the server matches the whole query against those documents only, as it does for every
 * index: the results are the same, only fewer documents are read.
 */
final class NarrowingIndex<P> extends Index<P> {
  /** Lookups one query may expand to; beyond it the server reads the collection as before. */
  private static final int MAX_LOOKUPS = 10_000;

  private final Index<P> index;
  private final List<String> fields;

  NarrowingIndex(Index<P> index) {
    super(index.getName(), index.getKeys(), false);
    this.index = index;
    this.fields = index.getKeys().stream().map(IndexKey::getKey).toList();
  }

  @Override
  public boolean canHandle(Document query) {
    return index.canHandle(query) || lookups(query) != null;
  }

  @Override
  public Iterable<P> getPositions(Document query) {
    if (index.canHandle(query)) {
      return index.getPositions(query);
    }
    Set<P> positions = new LinkedHashSet<>();
    for (Document lookup : lookups(query)) {
      index.getPositions(lookup).forEach(positions::add);
    }
    return positions;
  }

  /**
   * The exact-value queries of this index's own fields that together select every document the
   * query can match; null when the query does not pin each field to values.
   */
  private List<Document> lookups(Document query) {
    if (!query.keySet().containsAll(fields)) {
      return null;
    }
    List<Document> lookups = List.of(new Document());
    for (String field : fields) {
      List<Object> values = IndexedQueries.exactValues(query.get(field));
      if (values == null || (long) lookups.size() * values.size() > MAX_LOOKUPS) {
        return null;
      }
      List<Document> expanded = new ArrayList<>(lookups.size() * values.size());
      for (Document lookup : lookups) {
        for (Object value : values) {
          Document next = new Document(lookup);
          next.put(field, value);
          expanded.add(next);
        }
      }
      lookups = expanded;
    }
    for (Document lookup : lookups) {
      if (!index.canHandle(lookup)) {
        return null;
      }
    }
    return lookups;
  }

  // Everything else is the wrapped index's.

  @Override
  public P getPosition(Document document) {
    return index.getPosition(document);
  }

  @Override
  public Set<KeyValue> getKeyValues(Document document) {
    return index.getKeyValues(document);
  }

  @Override
  public void checkAdd(Document document, MongoCollection<P> collection) {
    index.checkAdd(document, collection);
  }

  @Override
  public void add(Document document, P position, MongoCollection<P> collection) {
    index.add(document, position, collection);
  }

  @Override
  public P remove(Document document) {
    return index.remove(document);
  }

  @Override
  public long getCount() {
    return index.getCount();
  }

  @Override
  public boolean isEmpty() {
    return index.isEmpty();
  }

  @Override
  public long getDataSize() {
    return index.getDataSize();
  }

  @Override
  public void checkUpdate(
      Document oldDocument, Document newDocument, MongoCollection<P> collection) {
    index.checkUpdate(oldDocument, newDocument, collection);
  }

  @Override
  public void updateInPlace(
      Document oldDocument, Document newDocument, P position, MongoCollection<P> collection)
      throws KeyConstraintError {
    index.updateInPlace(oldDocument, newDocument, position, collection);
  }

  @Override
  public void drop() {
    index.drop();
  }

  @Override
  public boolean isUnique() {
    return index.isUnique();
  }

  @Override
  public boolean hasSameOptions(Index<?> other) {
    return index.hasSameOptions(other instanceof NarrowingIndex<?> n ? n.index : other);
  }

  @Override
  public Document toIndexDescription() {
    return index.toIndexDescription();
  }

  @Override
  public String toString() {
    return index.toString();
  }
}
