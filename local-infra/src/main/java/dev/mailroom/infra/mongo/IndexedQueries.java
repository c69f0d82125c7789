package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * How the embedded server reads a query through an {@link OrderedIndex}, as MongoDB's planner
 * would: the index whose leading fields the query pins (exact values, or one {@code $in} list), and
 * when the query is sorted by the index's next fields, in the index's order, so that reading stops
 * at the limit instead of matching and sorting every document.
 */
final class IndexedQueries {
  /** Prefixes one query may expand to; beyond it the server reads the collection as before. */
  private static final int MAX_PREFIXES = 1_000;

  private IndexedQueries() {}

  /**
   * The positions to read, and whether they already come in the query's sort order; null when no
   * ordered index serves the query, or a unique one does (the server's own path then reads fewer).
   */
  record Plan<P>(Stream<P> positions, boolean sorted) {}

  static <P> Plan<P> plan(List<Index<P>> indexes, Document query, Document orderBy) {
    if (query == null || query.isEmpty() || sortsNaturally(orderBy)) {
      return null;
    }
    Choice<P> best = null;
    for (Index<P> index : indexes) {
      if (index instanceof OrderedIndex<P> ordered) {
        Choice<P> choice = choose(ordered, query, orderBy);
        if (choice != null && (best == null || choice.betterThan(best))) {
          best = choice;
        }
      } else if (index.canHandle(query)) {
        return null;
      }
    }
    return best == null ? null : best.plan();
  }

  /**
   * How many documents the query matches, counted from an ordered index alone: when each of its
   * conditions pins one of the index's leading fields to exact values (the form of a count of one
   * tenant's mailboxes), the index's keys are the answer and no document need be read, as MongoDB
   * answers such a count by scanning its index. Null when no index covers the query.
   */
  static <P> Long coveredCount(List<Index<P>> indexes, Document query, int skip, int limit) {
    if (query == null
        || query.isEmpty()
        || query.keySet().stream().anyMatch(k -> k.startsWith("$"))) {
      return null;
    }
    for (Index<P> index : indexes) {
      if (index instanceof OrderedIndex<P> ordered && covers(ordered, query)) {
        Choice<P> choice = choose(ordered, query, null);
        if (choice != null && choice.pinned() == query.size()) {
          Stream<P> positions = choice.plan().positions().skip(skip);
          return limit > 0 ? positions.limit(limit).count() : positions.count();
        }
      }
    }
    return null;
  }

  /** Whether the query's fields are the index's first fields, each pinned to exact values. */
  private static boolean covers(OrderedIndex<?> index, Document query) {
    List<String> fields = index.fields();
    if (!index.serves() || query.size() > fields.size()) {
      return false;
    }
    for (int i = 0; i < query.size(); i++) {
      if (!query.containsKey(fields.get(i)) || pinnedValues(query.get(fields.get(i))) == null) {
        return false;
      }
    }
    return true;
  }

  private static boolean sortsNaturally(Document orderBy) {
    return orderBy != null && orderBy.containsKey("$natural");
  }

  /** What one index offers a query: its pinned prefixes, and the direction if it sorts too. */
  private record Choice<P>(
      OrderedIndex<P> index, List<List<Object>> prefixes, boolean sorted, boolean reverse) {
    boolean betterThan(Choice<P> other) {
      if (sorted != other.sorted) {
        return sorted;
      }
      return pinned() > other.pinned();
    }

    int pinned() {
      return prefixes.get(0).size();
    }

    Plan<P> plan() {
      Stream<P> positions;
      if (prefixes.size() == 1) {
        positions = index.keyRange(prefixes.get(0), reverse).values().stream();
      } else if (sorted) {
        positions = merged();
      } else {
        positions = prefixes.stream().flatMap(p -> index.keyRange(p, reverse).values().stream());
      }
      if (index.isMultikey()) {
        // A document holding several of the pinned values in an array is under each of them.
        Set<P> seen = new HashSet<>();
        positions = positions.filter(seen::add);
      }
      return new Plan<>(positions, sorted);
    }

    /** Several prefixes' ranges, merged by the fields after the prefix. */
    private Stream<P> merged() {
      int from = pinned();
      int direction = reverse ? -1 : 1;
      PriorityQueue<Head<P>> heads =
          new PriorityQueue<>(
              (a, b) -> direction * index.compareFrom(from, a.key.getKey(), b.key.getKey()));
      for (List<Object> prefix : prefixes) {
        Iterator<Map.Entry<Object[], P>> entries =
            index.keyRange(prefix, reverse).entrySet().iterator();
        if (entries.hasNext()) {
          heads.add(new Head<>(entries.next(), entries));
        }
      }
      Iterator<P> positions =
          new Iterator<>() {
            @Override
            public boolean hasNext() {
              return !heads.isEmpty();
            }

            @Override
            public P next() {
              Head<P> head = heads.poll();
              if (head.rest.hasNext()) {
                heads.add(new Head<>(head.rest.next(), head.rest));
              }
              return head.key.getValue();
            }
          };
      Iterable<P> iterable = () -> positions;
      return StreamSupport.stream(iterable.spliterator(), false);
    }
  }

  private record Head<P>(Map.Entry<Object[], P> key, Iterator<Map.Entry<Object[], P>> rest) {}

  private static <P> Choice<P> choose(OrderedIndex<P> index, Document query, Document orderBy) {
    if (!index.serves()) {
      return null;
    }
    List<String> fields = index.fields();
    List<List<Object>> prefixes = List.of(List.of());
    for (String field : fields) {
      List<Object> values = pinnedValues(query, field);
      if (values == null || (long) prefixes.size() * values.size() > MAX_PREFIXES) {
        break;
      }
      List<List<Object>> longer = new ArrayList<>(prefixes.size() * values.size());
      for (List<Object> prefix : prefixes) {
        for (Object value : values) {
          List<Object> next = new ArrayList<>(prefix);
          next.add(value);
          longer.add(next);
        }
      }
      prefixes = longer;
    }
    int pinned = prefixes.get(0).size();
    if (pinned == 0) {
      return null;
    }
    Boolean reverse = sortDirection(index, pinned, orderBy);
    return new Choice<>(index, prefixes, reverse != null, Boolean.TRUE.equals(reverse));
  }

  /**
   * Whether the sort is the index's order after the pinned fields (false) or its reverse (true);
   * null when it is neither, or a sort field held arrays.
   */
  private static Boolean sortDirection(OrderedIndex<?> index, int pinned, Document orderBy) {
    if (orderBy == null || orderBy.isEmpty()) {
      return null;
    }
    List<String> fields = index.fields();
    if (pinned + orderBy.size() > fields.size()) {
      return null;
    }
    Boolean reverse = null;
    int i = pinned;
    for (Map.Entry<String, Object> sort : orderBy.entrySet()) {
      if (!sort.getKey().equals(fields.get(i))
          || index.isMultikey(i)
          || !(sort.getValue() instanceof Number direction)) {
        return null;
      }
      boolean opposite = (direction.doubleValue() > 0) != index.ascending(i);
      if (reverse != null && reverse != opposite) {
        return null;
      }
      reverse = opposite;
      i++;
    }
    return reverse;
  }

  /**
   * The values the query pins the field to: its condition at the top level or in any member of an
   * {@code $and}, since the query matches only what every member matches.
   */
  private static List<Object> pinnedValues(Document query, String field) {
    if (query.containsKey(field)) {
      List<Object> values = pinnedValues(query.get(field));
      if (values != null) {
        return values;
      }
    }
    if (query.get("$and") instanceof Collection<?> members) {
      for (Object member : members) {
        if (member instanceof Document condition) {
          List<Object> values = pinnedValues(condition, field);
          if (values != null) {
            return values;
          }
        }
      }
    }
    return null;
  }

  /** The distinct values a condition allows, normalized; null unless exact or one {@code $in}. */
  private static List<Object> pinnedValues(Object condition) {
    List<Object> values = exactValues(condition);
    if (values == null || values.isEmpty()) {
      return null;
    }
    Set<Object> distinct = new TreeSet<>(ValueComparator.asc());
    for (Object value : values) {
      distinct.add(OrderedIndex.normalize(value));
    }
    return new ArrayList<>(distinct);
  }

  /** The values a condition allows, when it is an exact value or an {@code $in} of them. */
  static List<Object> exactValues(Object condition) {
    if (isExact(condition)) {
      return List.of(condition);
    }
    if (condition instanceof Document operators
        && operators.size() == 1
        && operators.get("$in") instanceof Collection<?> values
        && values.stream().allMatch(IndexedQueries::isExact)) {
      return new ArrayList<>(values);
    }
    return null;
  }

  /**
   * Values an index finds by equality. Null (which also matches a missing field), arrays, regular
   * expressions and operators are left to the full scan.
   */
  private static boolean isExact(Object value) {
    return value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof ObjectId;
  }
}
