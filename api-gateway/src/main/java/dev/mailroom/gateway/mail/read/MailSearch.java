package dev.mailroom.gateway.mail.read;

import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.gateway.mail.Page;
import dev.mailroom.gateway.mail.PageCodec;
import dev.mailroom.gateway.mail.read.MailReads.Found;
import dev.mailroom.model.message.Direction;
import dev.mailroom.store.message.MessageBody;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageQuery.Position;
import dev.mailroom.store.message.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Search within a scope, newest first, one keyset page at a time. */
@Component
public class MailSearch {
  /**
   * A result's total is exact up to this many matches and this number beyond them ("at least"), so
   * that a page costs the same in a mailbox of a thousand messages and of a million: counting reads
   * each match, and at 10,000 the count alone took longer than the page's 20 ms budget.
   */
  public static final int TOTAL_COUNT_CAP = 1_000;

  private final MailReads reads;

  public MailSearch(MailReads reads) {
    this.reads = reads;
  }

  /**
   * A search filter and the message fields it tests. A caller that cannot see a field cannot filter
   * on it either: otherwise a run of searches would read the hidden field out one guess at a time.
   * Free text matches subject, sender and body.
   */
  public enum Filter {
    TEXT(List.of("subject", "from", "body")),
    FROM(List.of("from")),
    TO(List.of("to")),
    SUBJECT(List.of("subject")),
    LABEL(List.of("labels")),
    UNREAD(List.of("isRead")),
    HAS_ATTACHMENT(List.of("hasAttachments")),
    AFTER(List.of("receivedAt")),
    BEFORE(List.of("receivedAt"));

    private final List<String> fields;

    Filter(List<String> fields) {
      this.fields = fields;
    }

    public List<String> fields() {
      return fields;
    }
  }

  /**
   * What to look for. {@code named} are the filters the request mentions at all (even empty), in
   * the family's own names, since mentioning a hidden field is already refused; {@code problems}
   * are what the family found wrong while reading the request, answered after that refusal.
   */
  public record Criteria(
      String text,
      String from,
      String to,
      String subject,
      String label,
      Boolean unread,
      Instant after,
      Instant before,
      Boolean hasAttachment,
      Direction direction,
      Set<NamedFilter> named,
      List<FieldProblem> problems) {

    /** Only a direction, for the families whose listing filters by nothing else. */
    public static Criteria direction(Direction direction, List<FieldProblem> problems) {
      return new Criteria(
          null, null, null, null, null, null, null, null, null, direction, Set.of(), problems);
    }

    /** Free text alone, over subject, sender and body. */
    public static Criteria text(String text, List<FieldProblem> problems) {
      return new Criteria(
          text, null, null, null, null, null, null, null, null, null, Set.of(), problems);
    }
  }

  /** A filter as the family calls it, for the refusal's message. */
  public record NamedFilter(Filter filter, String name) {}

  /**
   * Where a page starts and how long it is; {@code withTotal} for a family whose page says how many
   * match in all, which costs a count.
   */
  public record PageRequest(String token, int limit, boolean withBodies, boolean withTotal) {
    public PageRequest(String token, int limit, boolean withBodies) {
      this(token, limit, withBodies, true);
    }
  }

  /**
   * A page of results, the total across all pages (-1 when not asked for), and the token of the
   * next page if any.
   */
  public record Result(List<Found> found, long totalCount, boolean hasMore, String nextPageToken) {}

  public Mono<Result> search(
      MailboxScope scope, Criteria criteria, PageRequest page, PageCodec codec) {
    return Mono.defer(
        () -> {
          refuseHiddenFilters(scope, criteria.named());
          List<FieldProblem> problems = new ArrayList<>(criteria.problems());
          MessageQuery.Builder query =
              new MessageQuery.Builder(scope.tenantId(), scope.mailboxIds())
                  .text(criteria.text())
                  .from(criteria.from())
                  .to(criteria.to())
                  .subject(criteria.subject())
                  .label(criteria.label())
                  .unread(criteria.unread())
                  .after(criteria.after())
                  .before(criteria.before())
                  .hasAttachment(criteria.hasAttachment())
                  .direction(criteria.direction());
          MessageQuery unpaged = query.limit(0).build();
          Optional<Position> position = Optional.empty();
          if (page.token() != null) {
            position = codec.read(page.token(), unpaged);
            if (position.isEmpty()) {
              problems.add(codec.unreadable());
            }
          }
          if (!problems.isEmpty()) {
            return Mono.error(new MailException.InvalidInput("Invalid request", problems, false));
          }
          Position start = position.orElse(null);
          Mono<Page<StoredMessage>> rows =
              Page.of(
                  page.limit(), limit -> reads.search(query.position(start).limit(limit).build()));
          return rows.flatMap(
              shown -> {
                // A first page that holds every match is its own count.
                Mono<Long> total =
                    start == null && !shown.hasMore()
                        ? Mono.just((long) shown.items().size())
                        : page.withTotal() ? reads.total(unpaged, TOTAL_COUNT_CAP) : Mono.just(-1L);
                StoredMessage last = shown.last();
                String next =
                    shown.hasMore()
                        ? codec.issue(new Position(last.receivedAt(), last.id()), unpaged)
                        : null;
                return Mono.zip(total, withBodies(shown.items(), page.withBodies()))
                    .map(
                        counted ->
                            new Result(counted.getT2(), counted.getT1(), shown.hasMore(), next));
              });
        });
  }

  private Mono<List<Found>> withBodies(List<StoredMessage> messages, boolean withBodies) {
    return Flux.fromIterable(messages)
        .concatMap(
            m ->
                withBodies
                    ? reads.body(m).map(body -> new Found(m, body))
                    : Mono.just(new Found(m, (MessageBody) null)))
        .collectList();
  }

  static void refuseHiddenFilters(MailboxScope scope, Set<NamedFilter> named) {
    for (NamedFilter filter : named) {
      if (!scope.seesAll(filter.filter().fields())) {
        throw new MailException.NotPermitted(
            "The filter "
                + filter.name()
                + " needs the fields "
                + filter.filter().fields()
                + ", which this token cannot see");
      }
    }
  }
}
