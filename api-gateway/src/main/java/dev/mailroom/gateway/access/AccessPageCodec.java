package dev.mailroom.gateway.access;

import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.PageCodec;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageQuery.Position;
import java.util.Optional;

/** Seed 002's {@code pageToken}: signed, and bound to one API token and one set of filters. */
record AccessPageCodec(PageTokens tokens, String apiTokenId) implements PageCodec {

  @Override
  public String issue(Position position, MessageQuery query) {
    return tokens.issue(position, fingerprint(query));
  }

  @Override
  public Optional<Position> read(String token, MessageQuery query) {
    return tokens.read(token, fingerprint(query));
  }

  @Override
  public FieldProblem unreadable() {
    return new FieldProblem("pageToken", "unknown or expired page token, or filters changed");
  }

  private String fingerprint(MessageQuery query) {
    return apiTokenId + "|" + query.withoutPaging();
  }
}
