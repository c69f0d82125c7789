package dev.mailroom.store;

import java.time.Instant;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Where a listing in creation order stopped: the last row's {@code createdAt} and id. Lists of
 * tenants, mailboxes, tokens and subscriptions page by it (keyset, so a row created meanwhile
 * neither repeats nor shifts a page).
 */
public record ListPosition(Instant createdAt, String id) {

  /** {@code base} in creation order, strictly after {@code after} when it is given. */
  public static Query after(Criteria base, ListPosition after) {
    Criteria criteria = base;
    if (after != null) {
      criteria =
          base.orOperator(
              Criteria.where("createdAt").gt(after.createdAt()),
              Criteria.where("createdAt").is(after.createdAt()).and("_id").gt(after.id()));
    }
    return Query.query(criteria).with(Sort.by("createdAt", "_id"));
  }
}
