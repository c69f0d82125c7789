package dev.mailroom.store.message;

import dev.mailroom.model.message.Direction;
import java.time.Instant;
import java.util.List;

/**
 * A search over the messages of some mailboxes of one tenant, newest first. Null fields do not
 * filter. {@code after} is a keyset position: only messages strictly older than it are returned.
 */
public record MessageQuery(
    String tenantId,
    List<String> mailboxIds,
    String text,
    String from,
    String to,
    String subject,
    String label,
    Boolean unread,
    Instant receivedAfter,
    Instant receivedBefore,
    Boolean hasAttachment,
    Direction direction,
    Position after,
    int limit) {

  /**
   * The filters alone, as text: what a page token is bound to. Not the mailboxes, so connecting one
   * while paging does not invalidate the token.
   */
  public String withoutPaging() {
    return String.join(
        "|",
        String.valueOf(text),
        String.valueOf(from),
        String.valueOf(to),
        String.valueOf(subject),
        String.valueOf(label),
        String.valueOf(unread),
        String.valueOf(receivedAfter),
        String.valueOf(receivedBefore),
        String.valueOf(hasAttachment),
        String.valueOf(direction));
  }

  /** Where a page ended: the last message's received time and id. */
  public record Position(Instant receivedAt, String id) {}

  public static final class Builder {
    private final String tenantId;
    private final List<String> mailboxIds;
    private String text;
    private String from;
    private String to;
    private String subject;
    private String label;
    private Boolean unread;
    private Instant after;
    private Instant before;
    private Boolean hasAttachment;
    private Direction direction;
    private Position position;
    private int limit = 20;

    public Builder(String tenantId, List<String> mailboxIds) {
      this.tenantId = tenantId;
      this.mailboxIds = mailboxIds;
    }

    public Builder text(String text) {
      this.text = text;
      return this;
    }

    public Builder from(String from) {
      this.from = from;
      return this;
    }

    public Builder to(String to) {
      this.to = to;
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Builder label(String label) {
      this.label = label;
      return this;
    }

    public Builder unread(Boolean unread) {
      this.unread = unread;
      return this;
    }

    public Builder after(Instant after) {
      this.after = after;
      return this;
    }

    public Builder before(Instant before) {
      this.before = before;
      return this;
    }

    public Builder hasAttachment(Boolean hasAttachment) {
      this.hasAttachment = hasAttachment;
      return this;
    }

    /** Only messages that came in ({@code INBOUND}) or went out ({@code OUTBOUND}). */
    public Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    public Builder position(Position position) {
      this.position = position;
      return this;
    }

    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    public MessageQuery build() {
      return new MessageQuery(
          tenantId,
          mailboxIds,
          text,
          from,
          to,
          subject,
          label,
          unread,
          after,
          before,
          hasAttachment,
          direction,
          position,
          limit);
    }
  }
}
