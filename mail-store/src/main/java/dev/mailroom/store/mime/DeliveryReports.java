package dev.mailroom.store.mime;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads delivery status notifications (RFC 3464: a {@code multipart/report} whose report type is
 * {@code delivery-status}). The report's fields are blocks of header lines, read with Jakarta
 * Mail's own header parser. Angus Mail's {@code dsn} module would do the same, but it registers
 * content handlers for every message parsed in the JVM; this reads only what it is given.
 */
public final class DeliveryReports {
  static {
    MailStreams.nameTheProvider();
  }

  private static final Session SESSION = Session.getInstance(new Properties());

  private DeliveryReports() {}

  /** The report this message is, or empty when it is no delivery status notification. */
  public static Optional<DeliveryReport> read(byte[] raw) {
    try {
      MimeMessage message = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
      ContentType type = new ContentType(message.getContentType());
      if (!type.match("multipart/report")
          || !"delivery-status".equalsIgnoreCase(type.getParameter("report-type"))) {
        return Optional.empty();
      }
      MimeMultipart parts = new MimeMultipart(message.getDataHandler().getDataSource());
      List<DeliveryReport.RecipientStatus> recipients = null;
      String original = null;
      for (int i = 0; i < parts.getCount(); i++) {
        BodyPart part = parts.getBodyPart(i);
        if (part.isMimeType("message/delivery-status")) {
          recipients = recipients(part.getInputStream());
        } else if (part.isMimeType("text/rfc822-headers") || part.isMimeType("message/rfc822")) {
          try (InputStream in = part.getInputStream()) {
            original = messageId(new InternetHeaders(in).getHeader("Message-ID", null));
          }
        }
      }
      return recipients == null
          ? Optional.empty()
          : Optional.of(new DeliveryReport(original, recipients));
    } catch (MessagingException | IOException | RuntimeException unreadable) {
      return Optional.empty(); // a malformed report is kept as mail, and reports nothing
    }
  }

  /** The per-recipient blocks, after the per-message one. */
  private static List<DeliveryReport.RecipientStatus> recipients(InputStream body)
      throws MessagingException, IOException {
    List<DeliveryReport.RecipientStatus> found = new ArrayList<>();
    try (BufferedInputStream in = new BufferedInputStream(body)) {
      new InternetHeaders(in); // Reporting-MTA and the rest, about the message as a whole
      while (hasMore(in)) {
        InternetHeaders block = new InternetHeaders(in);
        String recipient = value(block.getHeader("Final-Recipient", null));
        if (recipient != null) {
          found.add(
              new DeliveryReport.RecipientStatus(
                  recipient.toLowerCase(Locale.ROOT),
                  trimmed(block.getHeader("Action", null)),
                  trimmed(block.getHeader("Status", null)),
                  value(block.getHeader("Diagnostic-Code", null))));
        }
      }
    }
    return found;
  }

  /** Whether anything but blank lines is left. */
  private static boolean hasMore(BufferedInputStream in) throws IOException {
    while (true) {
      in.mark(1);
      int next = in.read();
      if (next == -1) {
        return false;
      }
      if (next != '\r' && next != '\n') {
        in.reset();
        return true;
      }
    }
  }

  /** {@code rfc822; a@b} or {@code smtp; 550 ...}: the part after the type, unfolded. */
  private static String value(String typed) {
    if (typed == null) {
      return null;
    }
    int semicolon = typed.indexOf(';');
    return trimmed(semicolon < 0 ? typed : typed.substring(semicolon + 1));
  }

  private static String trimmed(String value) {
    if (value == null) {
      return null;
    }
    String unfolded = value.replaceAll("\\s+", " ").strip();
    return unfolded.isEmpty() ? null : unfolded;
  }

  private static String messageId(String header) {
    String id = trimmed(header);
    if (id == null) {
      return null;
    }
    if (id.startsWith("<") && id.endsWith(">")) {
      id = id.substring(1, id.length() - 1);
    }
    return id.isEmpty() ? null : id;
  }
}
