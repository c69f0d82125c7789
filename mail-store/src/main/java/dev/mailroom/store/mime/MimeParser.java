package dev.mailroom.store.mime;

import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.mime.ParsedMessage.ParsedAttachment;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Raw RFC 822 bytes to {@link ParsedMessage}: the first text/plain and text/html alternatives
 * become the bodies; every other leaf part is an attachment. Malformed input degrades (a missing
 * header is null, an undecodable part is kept as bytes) rather than failing the sync.
 */
public final class MimeParser {
  private static final Session SESSION = Session.getInstance(lenient());

  private MimeParser() {}

  public static ParsedMessage parse(byte[] raw) throws MessagingException, IOException {
    MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    Bodies bodies = new Bodies();
    walk(message, bodies);
    return new ParsedMessage(
        stripped(message.getMessageID()),
        firstId(message.getHeader("In-Reply-To", null)),
        ids(message.getHeader("References", " ")),
        decode(message.getSubject()),
        first(addresses(message, "From")),
        addresses(message, "To"),
        addresses(message, "Cc"),
        addresses(message, "Bcc"),
        addresses(message, "Reply-To"),
        message.getSentDate() == null ? null : message.getSentDate().toInstant(),
        bodies.text,
        bodies.html,
        importance(message),
        bodies.attachments);
  }

  private static final class Bodies {
    String text;
    String html;
    final List<ParsedAttachment> attachments = new ArrayList<>();
  }

  private static void walk(Part part, Bodies bodies) throws MessagingException, IOException {
    if (part.isMimeType("multipart/*")) {
      Object content = part.getContent();
      if (content instanceof Multipart multipart) {
        for (int i = 0; i < multipart.getCount(); i++) {
          BodyPart child = multipart.getBodyPart(i);
          walk(child, bodies);
        }
        return;
      }
    }
    String disposition = part.getDisposition();
    boolean attachment =
        Part.ATTACHMENT.equalsIgnoreCase(disposition) || part.getFileName() != null;
    if (!attachment && part.isMimeType("text/plain") && bodies.text == null) {
      bodies.text = text(part);
      return;
    }
    if (!attachment && part.isMimeType("text/html") && bodies.html == null) {
      bodies.html = text(part);
      return;
    }
    if (part.isMimeType("message/rfc822") && !attachment) {
      // A forwarded message is kept whole, as an attachment the user can open.
      attachment = true;
    }
    String[] contentIds = part.getHeader("Content-ID");
    String contentId = contentIds == null ? null : stripped(contentIds[0]);
    String filename = decode(part.getFileName());
    if (filename == null) {
      filename = contentId != null ? contentId : "part-" + (bodies.attachments.size() + 1);
    }
    bodies.attachments.add(
        new ParsedAttachment(
            filename,
            baseType(part.getContentType()),
            Part.INLINE.equalsIgnoreCase(disposition) || (disposition == null && contentId != null),
            contentId,
            bytes(part)));
  }

  private static String text(Part part) throws MessagingException, IOException {
    Object content;
    try {
      content = part.getContent();
    } catch (IOException | RuntimeException unknownCharset) {
      return new String(bytes(part), StandardCharsets.UTF_8);
    }
    if (content instanceof String s) {
      return s;
    }
    String charset = new ContentType(part.getContentType()).getParameter("charset");
    Charset cs = StandardCharsets.UTF_8;
    try {
      if (charset != null) {
        cs = Charset.forName(MimeUtility.javaCharset(charset));
      }
    } catch (RuntimeException ignored) {
      // unknown charset: UTF-8 is the least wrong guess
    }
    return new String(bytes(part), cs);
  }

  private static byte[] bytes(Part part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private static List<Participant> addresses(MimeMessage message, String header) {
    try {
      String value = message.getHeader(header, ",");
      if (value == null) {
        return List.of();
      }
      Address[] parsed = InternetAddress.parseHeader(value, false);
      List<Participant> result = new ArrayList<>();
      for (Address address : parsed) {
        if (address instanceof InternetAddress ia && ia.getAddress() != null) {
          result.add(new Participant(ia.getAddress(), blankToNull(ia.getPersonal())));
        }
      }
      return result;
    } catch (MessagingException e) {
      return List.of();
    }
  }

  private static Importance importance(MimeMessage message) throws MessagingException {
    String importance = message.getHeader("Importance", null);
    if (importance != null) {
      switch (importance.trim().toLowerCase(Locale.ROOT)) {
        case "high":
          return Importance.HIGH;
        case "low":
          return Importance.LOW;
        default:
          return Importance.NORMAL;
      }
    }
    String priority = message.getHeader("X-Priority", null);
    if (priority != null && !priority.isBlank()) {
      char level = priority.trim().charAt(0);
      return level == '1' || level == '2'
          ? Importance.HIGH
          : level == '4' || level == '5' ? Importance.LOW : Importance.NORMAL;
    }
    return Importance.NORMAL;
  }

  private static List<String> ids(String header) {
    if (header == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (String token : header.split("[\\s,]+")) {
      String id = stripped(token);
      if (id != null && id.contains("@")) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static String firstId(String header) {
    List<String> ids = ids(header);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /** Message-IDs are stored without angle brackets, so lookups do not depend on formatting. */
  static String stripped(String id) {
    if (id == null) {
      return null;
    }
    String s = id.trim();
    if (s.startsWith("<")) {
      s = s.substring(1);
    }
    if (s.endsWith(">")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.isEmpty() ? null : s;
  }

  private static String decode(String value) {
    if (value == null) {
      return null;
    }
    try {
      return MimeUtility.decodeText(MimeUtility.unfold(value));
    } catch (java.io.UnsupportedEncodingException e) {
      return value;
    }
  }

  private static String baseType(String contentType) {
    try {
      return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
    } catch (MessagingException | RuntimeException e) {
      return "application/octet-stream";
    }
  }

  private static <T> T first(List<T> list) {
    return list.isEmpty() ? null : list.get(0);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Properties lenient() {
    Properties props = new Properties();
    // Real-world mail breaks the rules; read what can be read.
    props.put("mail.mime.address.strict", "false");
    props.put("mail.mime.decodetext.strict", "false");
    props.put("mail.mime.parameters.strict", "false");
    props.put("mail.mime.base64.ignoreerrors", "true");
    props.put("mail.mime.multipart.ignoremissingendboundary", "true");
    props.put("mail.mime.decodefilename", "true");
    return props;
  }
}
