package dev.mailroom.gateway.mail.send;

import dev.mailroom.model.message.Participant;
import java.util.List;

/**
 * What a caller asks the core to send, whatever its route family calls the fields. {@code bodyType}
 * is {@code html} or {@code text}; {@code importance} is {@code low}, {@code normal} or {@code
 * high}.
 */
public final class OutgoingMail {
  private OutgoingMail() {}

  /**
   * A new message. The sender is {@code connectionId} if given, else {@code sendFrom}, else the
   * default mailbox of the scope, else its first one.
   */
  public record NewMail(
      List<Participant> to,
      List<Participant> cc,
      List<Participant> bcc,
      String subject,
      String body,
      String bodyType,
      String importance,
      String sendFrom,
      Long connectionId) {}

  /** A reply to the original's sender, or with {@code replyAll} to everyone it went to. */
  public record ReplyMail(String body, String bodyType, boolean replyAll) {}

  /** The original with its attachments, to new recipients, with an optional note. */
  public record ForwardMail(
      List<Participant> to, List<Participant> cc, String body, String bodyType) {}
}
