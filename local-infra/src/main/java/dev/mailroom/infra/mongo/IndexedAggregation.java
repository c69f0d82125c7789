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
 * MongoDB runs it.
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
        || !(pipeline.get(0).get("$match") instanceof Document match)
        || !indexed.readsThroughIndex(match)) {
      return null;
    }
    int next = 1;
    int skip = stageNumber(pipeline, next, "$skip");
    next += skip > 0 ? 1 : 0;
    int limit = stageNumber(pipeline, next, "$limit");
    next += limit > 0 ? 1 : 0;
    List<Document> matched = indexed.matching(match, skip, limit);
    Aggregation rest =
        Aggregation.fromPipeline(
            pipeline.subList(next, pipeline.size()), resolver, database, collection, oplog);
    rest.validate(query);
    Document cursor = new Document("id", 0L);
    cursor.put("ns", collection.getFullName());
    cursor.put("firstBatch", rest.runStages(matched.stream()));
    Document answer = new Document("cursor", cursor);
    answer.put("ok", 1.0);
    return answer;
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
