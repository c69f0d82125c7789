package dev.mailroom.gateway.mail.send;

import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.model.message.Participant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a caller asks the core to send, in parts every route family has, however it names and nests
 * them on the wire: recipients, content and (for a new message) the choice of sender.
 */
public final class OutgoingMail {
  private OutgoingMail() {}

  /** Who a message goes to; {@code cc} and {@code bcc} may be null. */
  public record Recipients(List<Participant> to, List<Participant> cc, List<Participant> bcc) {

    /**
     * From bare addresses, as seeds 003 and 004 take them; a null list stays null and a null entry
     * stays one, for the send's checks to name.
     */
    public static Recipients ofAddresses(List<String> to, List<String> cc, List<String> bcc) {
      return new Recipients(participants(to), participants(cc), participants(bcc));
    }

    private static final Pattern FIELD = Pattern.compile("(to|cc|bcc)(\\[\\d+])?(\\.email)?");

    /**
     * A recipient problem's field as the families that take bare addresses name it ({@code
     * to[0].email} is {@code to[0]}); null for a field about something else.
     */
    public static String addressField(String field) {
      Matcher recipient = FIELD.matcher(field);
      return recipient.matches()
          ? recipient.group(1) + (recipient.group(2) == null ? "" : recipient.group(2))
          : null;
    }

    private static List<Participant> participants(List<String> addresses) {
      return addresses == null
          ? null
          : addresses.stream()
              .map(a -> a == null ? null : new Participant(a.strip(), null))
              .toList();
    }
  }

  /** What a message says, in the form its route family takes it. */
  public sealed interface Body permits Content, Alternatives {}

  /** A body of {@code bodyType}: {@code html} (the default) or {@code text}. */
  public record Content(String body, String bodyType) implements Body {}

  /**
   * Plain text and HTML side by side, either or both (seeds 003 and 004): with both, the message
   * carries them as alternatives; with neither, it has an empty text body.
   */
  public record Alternatives(String text, String html) implements Body {}

  /**
   * Which mailbox a new message goes out from: {@code connectionId} if given, else {@code
   * sendFrom}, else the scope's default mailbox, else its first one.
   */
  public record SenderChoice(Long connectionId, String sendFrom) {}

  /**
   * Files sent with the request, as the route family names their fields on the wire (for the field
   * names of a 400); checked against {@link AttachmentPolicy} before anything is stored.
   */
  public record Files(List<AttachmentPolicy.Upload> uploads, AttachmentPolicy.Naming naming) {
    public static Files none() {
      return new Files(List.of(), AttachmentPolicy.Naming.CAMEL_CASE);
    }

    List<AttachmentPolicy.Accepted> check() {
      return uploads == null || uploads.isEmpty()
          ? List.of()
          : AttachmentPolicy.check("attachments", uploads, naming);
    }
  }

  /**
   * A new message; {@code importance} is {@code low}, {@code normal} or {@code high}; {@code
   * labels} are kept on the sent message; {@code inReplyTo} is the Message-ID (with or without
   * angle brackets) of a message it answers, which threads it with that message where the sending
   * mailbox holds it.
   */
  public record NewMail(
      Recipients recipients,
      String subject,
      Body content,
      String importance,
      SenderChoice sender,
      Files files,
      List<String> labels,
      String inReplyTo) {

    public NewMail(
        Recipients recipients,
        String subject,
        Body content,
        String importance,
        SenderChoice sender,
        Files files) {
      this(recipients, subject, content, importance, sender, files, List.of(), null);
    }
  }

  /** A reply to the original's sender, or with {@code replyAll} to everyone it went to. */
  public record ReplyMail(Body content, boolean replyAll, Files files) {}

  /** The original with its attachments, to new recipients, with an optional note. */
  public record ForwardMail(Recipients recipients, Content note) {}
}
