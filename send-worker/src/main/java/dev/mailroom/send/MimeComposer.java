package dev.mailroom.send;

import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.HtmlText;
import dev.mailroom.store.mime.MailStreams;
import dev.mailroom.store.mime.ParsedMessage;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Builds the RFC 5322 message for a send: our own Message-ID (so the Sent copy can be found again),
 * RFC 2047 encoded and folded headers (no line over 998 octets), text and HTML as
 * multipart/alternative, attachments byte for byte, inline images by Content-ID, threading headers
 * for replies. Bcc recipients are envelope-only and never appear in a header.
 */
final class MimeComposer {
  static {
    MailStreams.nameTheProvider();
  }

  private static final Session SESSION = Session.getInstance(new Properties());

  private MimeComposer() {}

  /** An attachment's content, already read from S3 or from the original message. */
  record Content(
      String filename, String contentType, boolean inline, String contentId, byte[] bytes) {}

  /** The forwarded message, quoted below the optional new text. */
  record Forwarded(ParsedMessage original, List<Content> attachments) {}

  static byte[] compose(
      SendMessage command,
      StoredMessage message,
      Participant from,
      List<Content> attachments,
      Forwarded forwarded)
      throws MessagingException, IOException {
    MimeMessage mime = new OwnMessageId(SESSION, message.rfcMessageId());
    mime.setFrom(address(from));
    mime.setRecipients(Message.RecipientType.TO, addresses(command.to()));
    if (command.cc() != null && !command.cc().isEmpty()) {
      mime.setRecipients(Message.RecipientType.CC, addresses(command.cc()));
    }
    mime.setSubject(command.subject(), "UTF-8");
    mime.setSentDate(new Date());
    if (message.inReplyTo() != null) {
      mime.setHeader("In-Reply-To", "<" + message.inReplyTo() + ">");
      mime.setHeader(
          "References",
          MimeUtility.fold(
              12,
              message.references().stream()
                  .map(id -> "<" + id + ">")
                  .collect(Collectors.joining(" "))));
    }
    if (command.importance() == Importance.HIGH) {
      mime.setHeader("Importance", "high");
      mime.setHeader("X-Priority", "1");
    } else if (command.importance() == Importance.LOW) {
      mime.setHeader("Importance", "low");
      mime.setHeader("X-Priority", "5");
    }

    String text = command.textBody();
    String html = command.htmlBody();
    List<Content> files = attachments;
    if (forwarded != null) {
      text = forwardedText(text, forwarded.original());
      html = html == null ? null : forwardedHtml(html, forwarded.original());
      files = new java.util.ArrayList<>(attachments);
      files.addAll(forwarded.attachments());
    }
    if (text == null && html != null) {
      // Clients that cannot show HTML still get something readable.
      text = HtmlText.toText(html).strip();
    }
    MimeBodyPart body = bodyPart(text, html, files.stream().filter(Content::inline).toList());
    List<Content> attached = files.stream().filter(c -> !c.inline()).toList();
    if (attached.isEmpty()) {
      if (body.getContent() instanceof MimeMultipart multipart) {
        mime.setContent(multipart);
      } else {
        // Only plain text is a single part: HTML always travels with its text alternative.
        mime.setText(text == null ? "" : text, "UTF-8", "plain");
      }
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      for (Content file : attached) {
        mixed.addBodyPart(filePart(file, Part.ATTACHMENT));
      }
      mime.setContent(mixed);
    }
    mime.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    mime.writeTo(out);
    return out.toByteArray();
  }

  private static MimeBodyPart bodyPart(String text, String html, List<Content> inline)
      throws MessagingException {
    MimeBodyPart textPart = null;
    if (text != null) {
      textPart = new MimeBodyPart();
      textPart.setText(text, "UTF-8", "plain");
    }
    MimeBodyPart htmlPart = null;
    if (html != null) {
      htmlPart = new MimeBodyPart();
      htmlPart.setText(html, "UTF-8", "html");
      if (!inline.isEmpty()) {
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(htmlPart);
        for (Content image : inline) {
          related.addBodyPart(filePart(image, Part.INLINE));
        }
        htmlPart = new MimeBodyPart();
        htmlPart.setContent(related);
      }
    }
    if (textPart != null && htmlPart != null) {
      MimeMultipart alternative = new MimeMultipart("alternative");
      alternative.addBodyPart(textPart);
      alternative.addBodyPart(htmlPart);
      MimeBodyPart wrapper = new MimeBodyPart();
      wrapper.setContent(alternative);
      return wrapper;
    }
    if (htmlPart != null) {
      return htmlPart;
    }
    if (textPart != null) {
      return textPart;
    }
    MimeBodyPart empty = new MimeBodyPart();
    empty.setText("", "UTF-8", "plain");
    return empty;
  }

  private static MimeBodyPart filePart(Content file, String disposition) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(file.bytes(), file.contentType())));
    // Always base64: left to choose, Jakarta Mail sends a file that happens to be ASCII as 7bit,
    // and 7bit (like quoted-printable) turns its line ends into CRLF on the way: a PDF or a script
    // would arrive changed.
    part.setHeader("Content-Transfer-Encoding", "base64");
    try {
      part.setFileName(MimeUtility.encodeText(file.filename(), "UTF-8", null));
    } catch (UnsupportedEncodingException e) {
      part.setFileName(file.filename());
    }
    part.setDisposition(disposition);
    if (file.contentId() != null) {
      part.setContentID("<" + file.contentId() + ">");
    }
    return part;
  }

  private static String forwardedText(String prepend, ParsedMessage original) {
    String originalText =
        original.text() != null
            ? original.text()
            : original.html() == null ? "" : HtmlText.toText(original.html());
    return (prepend == null ? "" : prepend + "\n\n")
        + "---------- Forwarded message ---------\n"
        + "From: "
        + describe(original.from())
        + "\n"
        + (original.sentAt() == null ? "" : "Date: " + original.sentAt() + "\n")
        + "Subject: "
        + (original.subject() == null ? "" : original.subject())
        + "\n"
        + "To: "
        + original.to().stream().map(MimeComposer::describe).collect(Collectors.joining(", "))
        + "\n\n"
        + originalText;
  }

  private static String forwardedHtml(String prepend, ParsedMessage original) {
    String quoted =
        original.html() != null
            ? original.html()
            : "<pre>" + escape(original.text() == null ? "" : original.text()) + "</pre>";
    return prepend
        + "<br><br><div>---------- Forwarded message ---------<br>From: "
        + escape(describe(original.from()))
        + "<br>Subject: "
        + escape(original.subject() == null ? "" : original.subject())
        + "</div><br>"
        + quoted;
  }

  private static String describe(Participant p) {
    if (p == null) {
      return "";
    }
    return p.name() == null ? p.email() : p.name() + " <" + p.email() + ">";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static InternetAddress address(Participant p) throws UnsupportedEncodingException {
    return new InternetAddress(p.email(), p.name(), StandardCharsets.UTF_8.name());
  }

  private static InternetAddress[] addresses(List<Participant> participants)
      throws UnsupportedEncodingException {
    InternetAddress[] result = new InternetAddress[participants.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = address(participants.get(i));
    }
    return result;
  }

  /** Keeps our Message-ID instead of the one Jakarta Mail would generate on save. */
  private static final class OwnMessageId extends MimeMessage {
    private final String messageId;

    OwnMessageId(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", "<" + messageId + ">");
    }
  }
}
