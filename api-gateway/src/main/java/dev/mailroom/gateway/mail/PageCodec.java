package dev.mailroom.gateway.mail;

import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageQuery.Position;
import java.util.Optional;

/**
 * How a route family writes where a page ends: an opaque page token, a cursor, whatever its
 * contract says. A token belongs to the query it was issued for; reading it with another query
 * yields nothing.
 */
public interface PageCodec {
  String issue(Position position, MessageQuery query);

  Optional<Position> read(String token, MessageQuery query);

  /** The problem reported when a token cannot be read (field name and message). */
  FieldProblem unreadable();
}
