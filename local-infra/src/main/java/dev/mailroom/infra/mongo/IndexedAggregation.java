package dev.mailroom.infra.mongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.List;

/**
 * An aggregation that starts with {@code $match}, read through the collection's indexes.
 *
 * <p>The embedded server runs every pipeline over the whole collection. The driver counts documents
 * ({@code countDocuments}) with one: {@code $match}, {@code $skip}, {@code $limit}, {@code $group}.
 * So a capped count of one mailbox's messages read every tenant's. Here the leading {@code $match}
 * (with the {@code $skip} and {@code $limit} right after it) is a query of the collection, which
 * its indexes serve as they serve a find, and the rest of the pipeline runs over what it found, as
 * MongoDB runs it. A {@code $sort} right after the {@code $match} is read in the index's order
 * where an index serves it, and a count of what an index's keys alone answer reads no document.
 */
final class IndexedAggregation {
  private IndexedAggregation() {}

  /** The command's answer, or null for the server's own handling. */
  static Document answer(
      MongoDatabase database,
      String command,
      Document query,
      DatabaseResolver resolver,
      Oplog oplog) {
    if (!"aggregate".equalsIgnoreCase(command)
        || !(query.get(command) instanceof String name)
        || query.containsKey("explain")) {
      return null;
    }
    MongoCollection<?> collection = database.resolveCollection(name, false);
    if (!(collection instanceof IndexedCollection<?> indexed)) {
      return null;
    }
    List<Document> pipeline = Aggregation.parse(query.get("pipeline"));
    if (pipeline.isEmpty()
        || pipeline.get(0).size() != 1
        || !(pipeline.get(0).get("$match") instanceof Document match)) {
      return null;
    }
    int next = 1;
    Document orderBy = sortStage(pipeline, next);
    next += orderBy != null ? 1 : 0;
    int skip = stageNumber(pipeline, next, "$skip");
    next += skip > 0 ? 1 : 0;
    int limit = stageNumber(pipeline, next, "$limit");
    next += limit > 0 ? 1 : 0;
    List<Document> rest = pipeline.subList(next, pipeline.size());
    Document counted = orderBy == null ? countedAs(rest) : null;
    if (counted != null) {
      Long count = indexed.coveredCount(match, skip, limit);
      if (count != null) {
        return answer(collection, count == 0 ? List.of() : List.of(counted.append("n", count)));
      }
    }
    if (!indexed.readsThroughIndex(match, orderBy)) {
      return null;
    }
    List<Document> matched = indexed.matching(match, orderBy, skip, limit);
    Aggregation stages = Aggregation.fromPipeline(rest, resolver, database, collection, oplog);
    stages.validate(query);
    return answer(collection, stages.runStages(matched.stream()));
  }

  private static Document answer(MongoCollection<?> collection, List<Document> firstBatch) {
    Document cursor = new Document("id", 0L);
    cursor.put("ns", collection.getFullName());
    cursor.put("firstBatch", firstBatch);
    Document answer = new Document("cursor", cursor);
    answer.put("ok", 1.0);
    return answer;
  }

  /** The {@code $sort} stage at {@code at}, if there is one. */
  private static Document sortStage(List<Document> pipeline, int at) {
    return at < pipeline.size()
            && pipeline.get(at).size() == 1
            && pipeline.get(at).get("$sort") instanceof Document orderBy
        ? orderBy
        : null;
  }

  /**
   * For the stages after the match that count what it found ({@code {$group: {_id: <constant>,
   * <field>: {$sum: 1}}}}, as the driver's {@code countDocuments} ends), the group's document
   * without its count, with the count's field name under {@code "n"}; null for any other stages.
   */
  private static Document countedAs(List<Document> rest) {
    if (rest.size() != 1
        || rest.get(0).size() != 1
        || !(rest.get(0).get("$group") instanceof Document group)
        || group.size() != 2
        || !group.containsKey("_id")
        || group.get("_id") instanceof Document
        || (group.get("_id") instanceof String id && id.startsWith("$"))) {
      return null;
    }
    for (String field : group.keySet()) {
      if (!field.equals("_id")
          && !(field.equals("n")
              && group.get(field) instanceof Document sum
              && sum.size() == 1
              && sum.get("$sum") instanceof Number one
              && one.doubleValue() == 1)) {
        return null;
      }
    }
    return new Document("_id", group.get("_id"));
  }

  /**
   * The positive whole number of the stage at {@code at} if it is {@code {name: n}}, such as {@code
   * {$limit: 10}}; 0 (none) otherwise.
   */
  private static int stageNumber(List<Document> pipeline, int at, String name) {
    if (at < pipeline.size()
        && pipeline.get(at).size() == 1
        && pipeline.get(at).get(name) instanceof Number number) {
      long value = number.longValue();
      if (value > 0 && value <= Integer.MAX_VALUE && value == number.doubleValue()) {
        return (int) value;
      }
    }
    return 0;
  }
}
