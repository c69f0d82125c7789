package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A non-unique index of the embedded server, kept in key order as MongoDB keeps its B-trees.
 *
 * <p>mongo-java-server keeps no secondary index at all: it accepts the definition and reads the
 * whole collection for every query. So the newest 20 messages of one mailbox read, match and sort
 * every message of every tenant, and a page got slower with every message stored. This index holds
 * each document's key (its indexed values, then its {@code _id}) in order; {@link IndexedQueries}
 * reads a pinned prefix of it in order and stops at the query's limit, as MongoDB's index scan
 * does. The server still matches the whole query against each document it is handed, so the results
 * are the ones a full scan gives.
 *
 * <p>An index over arrays holds one key per element ("multikey"). One whose documents expand to
 * more keys than {@link #MAX_KEYS_PER_DOCUMENT} (a word list, say) stops keeping keys and serves no
 * query from then on: those queries read the collection as the server always did.
 */
final class OrderedIndex<P> extends Index<P> {
  static final int MAX_KEYS_PER_DOCUMENT = 16;

  /** Orders below or above every value, to bound a range by a prefix of the key. */
  private enum Bound {
    LOWEST,
    HIGHEST
  }

  private final boolean sparse;
  private final List<String> fields;
  private final List<Comparator<Object>> order;
  private final boolean[] descending;
  private final boolean[] multikey;
  private final NavigableMap<Object[], P> keys;
  private boolean abandoned;

  OrderedIndex(String name, List<IndexKey> keys, boolean sparse) {
    // Sparse towards the server: a document this index does not hold is no error on removal.
    super(name, keys, true);
    this.sparse = sparse;
    this.fields = keys.stream().map(IndexKey::getKey).toList();
    List<Comparator<Object>> order = new ArrayList<>();
    for (IndexKey key : keys) {
      order.add(key.isAscending() ? ValueComparator.asc() : ValueComparator.desc());
    }
    order.add(ValueComparator.asc()); // the _id, which makes every key unique
    this.order = List.copyOf(order);
    this.descending = new boolean[order.size()];
    for (int i = 0; i < keys.size(); i++) {
      descending[i] = !keys.get(i).isAscending();
    }
    this.multikey = new boolean[fields.size()];
    this.keys = new TreeMap<>(this::compare);
  }

  List<String> fields() {
    return fields;
  }

  boolean ascending(int field) {
    return getKeys().get(field).isAscending();
  }

  /** Whether some document held an array in this field: its order then is not the sort's. */
  boolean isMultikey(int field) {
    return multikey[field];
  }

  boolean isMultikey() {
    for (boolean array : multikey) {
      if (array) {
        return true;
      }
    }
    return false;
  }

  boolean serves() {
    return !abandoned;
  }

  /**
   * The keys under one prefix of pinned values (normalized as the index's own), in this index's
   * order or its reverse.
   */
  NavigableMap<Object[], P> keyRange(List<Object> prefix, boolean reverse) {
    NavigableMap<Object[], P> range =
        keys.subMap(bound(prefix, Bound.LOWEST), true, bound(prefix, Bound.HIGHEST), true);
    return reverse ? range.descendingMap() : range;
  }

  /** Compares two keys from the given field on, as the index orders them. */
  int compareFrom(int from, Object[] a, Object[] b) {
    for (int i = from; i < order.size(); i++) {
      int c = compareValue(i, a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The value as the server compares it: numbers as doubles, a missing field as null. */
  static Object normalize(Object value) {
    if (value instanceof String
        || value instanceof Boolean
        || value instanceof Instant
        || value instanceof ObjectId) {
      return value; // the server's own normalizing keeps these as they are, without copying
    }
    return new KeyValue(value).normalized().get(0);
  }

  private Object[] bound(List<Object> prefix, Bound bound) {
    Object[] key = new Object[order.size()];
    for (int i = 0; i < key.length; i++) {
      key[i] = i < prefix.size() ? prefix.get(i) : bound;
    }
    return key;
  }

  private int compare(Object[] a, Object[] b) {
    return compareFrom(0, a, b);
  }

  private int compareValue(int i, Object a, Object b) {
    if (a instanceof Bound || b instanceof Bound) {
      int rankA = a == Bound.LOWEST ? -1 : a == Bound.HIGHEST ? 1 : 0;
      int rankB = b == Bound.LOWEST ? -1 : b == Bound.HIGHEST ? 1 : 0;
      return Integer.compare(rankA, rankB);
    }
    // Strings and dates, most keys, compared directly: as the server compares them, but faster.
    if (a instanceof String x && b instanceof String y) {
      return descending[i] ? y.compareTo(x) : x.compareTo(y);
    }
    if (a instanceof Instant x && b instanceof Instant y) {
      return descending[i] ? y.compareTo(x) : x.compareTo(y);
    }
    return order.get(i).compare(a, b);
  }

  /** Each key the document has: one per combination of its arrays' elements. */
  private List<Object[]> keysOf(Document document) {
    List<Object[]> expanded = new ArrayList<>();
    expanded.add(new Object[order.size()]);
    for (int i = 0; i < fields.size(); i++) {
      Object value = Utils.getSubdocumentValueCollectionAware(document, fields.get(i));
      List<?> values;
      if (value instanceof Collection<?> elements) {
        multikey[i] = true;
        // An empty array is kept as null, so that a range over an earlier prefix still finds it.
        values = elements.isEmpty() ? Collections.singletonList(null) : new ArrayList<>(elements);
      } else {
        values = Collections.singletonList(value);
      }
      if ((long) expanded.size() * values.size() > MAX_KEYS_PER_DOCUMENT) {
        return null;
      }
      List<Object[]> next = new ArrayList<>(expanded.size() * values.size());
      for (Object[] key : expanded) {
        for (Object element : values) {
          Object[] copy = key.clone();
          copy[i] = normalize(element);
          next.add(copy);
        }
      }
      expanded = next;
    }
    Object id = normalize(document.get("_id"));
    for (Object[] key : expanded) {
      key[fields.size()] = id;
    }
    return expanded;
  }

  private void abandon() {
    abandoned = true;
    keys.clear();
  }

  @Override
  public void add(Document document, P position, MongoCollection<P> collection) {
    if (abandoned) {
      return;
    }
    List<Object[]> documentKeys = keysOf(document);
    if (documentKeys == null) {
      abandon();
      return;
    }
    for (Object[] key : documentKeys) {
      keys.put(key, position);
    }
  }

  @Override
  public P remove(Document document) {
    if (abandoned) {
      return null;
    }
    List<Object[]> documentKeys = keysOf(document);
    if (documentKeys == null) {
      abandon();
      return null;
    }
    P position = null;
    for (Object[] key : documentKeys) {
      P removed = keys.remove(key);
      position = removed != null ? removed : position;
    }
    return position;
  }

  @Override
  public void updateInPlace(
      Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) {
    if (abandoned) {
      return;
    }
    List<Object[]> before = keysOf(oldDocument);
    List<Object[]> after = keysOf(newDocument);
    if (before == null || after == null) {
      abandon();
      return;
    }
    if (sameKeys(before, after)) {
      return; // most updates (a status, a lease) leave this index's fields alone
    }
    for (Object[] key : before) {
      keys.remove(key);
    }
    for (Object[] key : after) {
      keys.put(key, position);
    }
  }

  private boolean sameKeys(List<Object[]> before, List<Object[]> after) {
    if (before.size() != after.size()) {
      return false;
    }
    for (int i = 0; i < before.size(); i++) {
      if (compare(before.get(i), after.get(i)) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The server asks this of unique indexes only; {@link IndexedQueries} plans the rest. */
  @Override
  public boolean canHandle(Document query) {
    return false;
  }

  @Override
  public Iterable<P> getPositions(Document query) {
    throw new UnsupportedOperationException("planned by IndexedQueries");
  }

  @Override
  public P getPosition(Document document) {
    return null; // not unique: a document is found through the _id index
  }

  @Override
  public void checkAdd(Document document, MongoCollection<P> collection) {
    // not unique: nothing to refuse
  }

  @Override
  public void checkUpdate(
      Document oldDocument, Document newDocument, MongoCollection<P> collection) {
    // not unique: nothing to refuse
  }

  @Override
  public long getCount() {
    return keys.size();
  }

  @Override
  public long getDataSize() {
    return 0;
  }

  @Override
  public void drop() {
    keys.clear();
  }

  @Override
  public boolean hasSameOptions(Index<?> other) {
    return other instanceof OrderedIndex<?> ordered && ordered.sparse == sparse;
  }

  @Override
  public Document toIndexDescription() {
    Document description = super.toIndexDescription();
    description.remove("sparse");
    if (sparse) {
      description.put("sparse", true);
    }
    return description;
  }
}
