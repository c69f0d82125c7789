package dev.mailroom.gateway.core;

import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.PageCodec;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageQuery.Position;
import java.util.Optional;

/**
 * A page token or cursor as {@link PageTokens} signs it, bound to one API token ({@code
 * apiTokenId}) and one set of filters, so that neither another caller nor other filters can use it.
 * Each route family names the field and words the problem of one that cannot be read ({@code
 * unreadable}).
 */
public record SignedPageCodec(PageTokens tokens, String apiTokenId, FieldProblem unreadable)
    implements PageCodec {

  @Override
  public String issue(Position position, MessageQuery query) {
    return tokens.issue(position, fingerprint(query));
  }

  @Override
  public Optional<Position> read(String token, MessageQuery query) {
    return tokens.read(token, fingerprint(query));
  }

  private String fingerprint(MessageQuery query) {
    return apiTokenId + "|" + query.withoutPaging();
  }
}
