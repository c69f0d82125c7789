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
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw RFC 822 bytes to {@link ParsedMessage}. Headers are read first, on their own, so a body that
 * cannot be parsed never takes the subject, sender, recipients or date with it. The first
 * text/plain and text/html alternatives become the bodies; every other leaf part is an attachment,
 * and a part that cannot be decoded is kept as an attachment of its raw bytes (one log line says
 * so). Subjects, display names and file names come out decoded once and free of control characters.
 */
public final class MimeParser {
  private static final Logger log = LoggerFactory.getLogger(MimeParser.class);

  /** A forward of a forward of ...: deeper levels stay inside their .eml and are not listed. */
  private static final int MAX_NESTING = 5;

  private static final Windows1252 LEGACY = new Windows1252();

  static {
    lenientSystemProperties();
  }

  /** Past this, a header block is malformed; what was read is used, as for a broken one. */
  private static final int MAX_HEADER_BLOCK = 4 << 20;

  static {
    MailStreams.nameTheProvider();
  }

  private static final Session SESSION = Session.getInstance(sessionProperties());

  private MimeParser() {}

  public static ParsedMessage parse(byte[] raw) {
    InternetHeaders headers = headers(raw);
    String messageId = stripped(header(headers, "Message-ID"));
    Bodies bodies = new Bodies(messageId);
    try {
      // A shared stream lets every part be a view of the bytes instead of a copy read out of them:
      // a fifth less time for an ordinary multipart message.
      MimeMessage message = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
      walk(message, bodies, null, 0);
    } catch (MessagingException | RuntimeException e) {
      // Even the structure is unreadable: everything after the headers is kept as it came.
      bodies.undecodable(null, "message", e, Arrays.copyOfRange(raw, bodyStart(raw), raw.length));
    }
    return parsed(headers, messageId, bodies);
  }

  /**
   * As {@link #parse(byte[])}, for a message in a file: the parts are read from the file as they
   * are walked, so only the decoded bodies and attachments are ever in memory, not the raw message.
   */
  public static ParsedMessage parse(Path file) throws IOException {
    InternetHeaders headers = headers(headerBlock(file));
    String messageId = stripped(header(headers, "Message-ID"));
    Bodies bodies = new Bodies(messageId);
    try (SharedFileInputStream in = new SharedFileInputStream(file.toFile())) {
      walk(new MimeMessage(SESSION, in), bodies, null, 0);
    } catch (MessagingException | RuntimeException e) {
      byte[] raw = Files.readAllBytes(file);
      bodies.undecodable(null, "message", e, Arrays.copyOfRange(raw, bodyStart(raw), raw.length));
    }
    return parsed(headers, messageId, bodies);
  }

  /** The file's bytes up to and including the blank line after the headers, read in chunks. */
  private static byte[] headerBlock(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] block = new byte[0];
      while (block.length < MAX_HEADER_BLOCK) {
        byte[] chunk = in.readNBytes(64 * 1024);
        block = Arrays.copyOf(block, block.length + chunk.length);
        System.arraycopy(chunk, 0, block, block.length - chunk.length, chunk.length);
        int end = bodyStart(block);
        if (end < block.length || chunk.length == 0) {
          return Arrays.copyOf(block, end);
        }
      }
      return block;
    }
  }

  private static ParsedMessage parsed(InternetHeaders headers, String messageId, Bodies bodies) {
    return new ParsedMessage(
        messageId,
        firstId(header(headers, "In-Reply-To")),
        ids(headers.getHeader("References", " ")),
        Headers.clean(EncodedWords.decode(header(headers, "Subject"))),
        first(addresses(headers, "From")),
        addresses(headers, "To"),
        addresses(headers, "Cc"),
        addresses(headers, "Bcc"),
        addresses(headers, "Reply-To"),
        date(header(headers, "Date")),
        emptyAsNull(bodies.text),
        emptyAsNull(bodies.html),
        importance(headers),
        bodies.attachments);
  }

  private static final class Bodies {
    final String messageId;
    String text;
    String html;
    final List<ParsedAttachment> attachments;
    final boolean nested;
    int count;

    Bodies(String messageId) {
      this(messageId, new ArrayList<>(), false);
    }

    private Bodies(String messageId, List<ParsedAttachment> attachments, boolean nested) {
      this.messageId = messageId;
      this.attachments = attachments;
      this.nested = nested;
    }

    /** Attachments of a forwarded message go into the same list; its bodies stay in its .eml. */
    Bodies nested(String innerMessageId) {
      return new Bodies(innerMessageId, attachments, true);
    }

    String nextId(String parentId) {
      count++;
      return (parentId == null ? "att_" : parentId + "_") + count;
    }

    void add(
        String parentId,
        String filename,
        String contentType,
        boolean inline,
        String contentId,
        byte[] content) {
      String id = nextId(parentId);
      attachments.add(
          new ParsedAttachment(
              id,
              parentId,
              filename != null ? filename : contentId != null ? contentId : "part-" + count,
              contentType,
              inline,
              contentId,
              content));
    }

    void undecodable(String parentId, String what, Exception e, byte[] raw) {
      log.warn(
          "Message {}: {} {} could not be decoded ({}: {}); kept as an attachment",
          messageId,
          what,
          count + 1,
          e.getClass().getSimpleName(),
          e.getMessage());
      add(parentId, null, "application/octet-stream", false, null, raw);
    }
  }

  private static void walk(Part part, Bodies bodies, String parentId, int depth)
      throws MessagingException {
    if (isMimeType(part, "multipart/*")) {
      Multipart multipart;
      try {
        Object content = part.getContent();
        multipart = content instanceof Multipart m ? m : null;
        if (multipart != null && multipart.getCount() == 0) {
          String preamble = multipart instanceof MimeMultipart mm ? mm.getPreamble() : null;
          if (preamble == null || preamble.isBlank()) {
            // Empty, not broken: nothing to keep.
            return;
          }
          throw new MessagingException("no part found (missing start boundary?)");
        }
      } catch (IOException | MessagingException | RuntimeException e) {
        bodies.undecodable(parentId, "multipart", e, rawBytes(part));
        return;
      }
      if (multipart != null) {
        for (int i = 0; i < multipart.getCount(); i++) {
          BodyPart child;
          try {
            child = multipart.getBodyPart(i);
          } catch (MessagingException | RuntimeException e) {
            bodies.undecodable(parentId, "part", e, new byte[0]);
            continue;
          }
          walk(child, bodies, parentId, depth);
        }
        return;
      }
    }
    try {
      leaf(part, bodies, parentId, depth);
    } catch (IOException | MessagingException | RuntimeException e) {
      bodies.undecodable(parentId, "part", e, rawBytes(part));
    }
  }

  private static void leaf(Part part, Bodies bodies, String parentId, int depth)
      throws MessagingException, IOException {
    String disposition = disposition(part);
    String filename = Headers.clean(EncodedWords.decode(fileName(part)));
    boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || filename != null;
    if (bodies.nested && !attachment && isMimeType(part, "text/*")) {
      return;
    }
    if (!attachment && isMimeType(part, "text/plain") && bodies.text == null) {
      bodies.text = text(part);
      return;
    }
    if (!attachment && isMimeType(part, "text/html") && bodies.html == null) {
      bodies.html = text(part);
      return;
    }
    String contentId = stripped(first(part.getHeader("Content-ID")));
    byte[] content = bytes(part);
    boolean inline =
        Part.INLINE.equalsIgnoreCase(disposition) || (disposition == null && contentId != null);
    if (isMimeType(part, "message/rfc822")) {
      // A forwarded message is kept whole, as an .eml the user can open, and its own attachments
      // are listed after it so they can be found without opening it.
      ParsedMessage inner = depth < MAX_NESTING ? innerHeaders(content) : null;
      if (filename == null) {
        String subject = inner == null ? null : inner.subject();
        filename = (subject == null ? "forwarded message" : subject) + ".eml";
      }
      bodies.add(parentId, filename, "message/rfc822", false, contentId, content);
      if (inner != null) {
        String id = bodies.attachments.get(bodies.attachments.size() - 1).id();
        Bodies nested = bodies.nested(inner.messageId());
        try {
          walk(
              new MimeMessage(SESSION, new SharedByteArrayInputStream(content)),
              nested,
              id,
              depth + 1);
        } catch (MessagingException | RuntimeException e) {
          log.warn(
              "Message {}: forwarded message {} could not be read ({}); kept whole",
              bodies.messageId,
              id,
              e.getMessage());
        }
      }
      return;
    }
    bodies.add(parentId, filename, baseType(part), inline, contentId, content);
  }

  /** Only the headers of a forwarded message: its name in the list comes from its subject. */
  private static ParsedMessage innerHeaders(byte[] content) {
    InternetHeaders headers = headers(content);
    return new ParsedMessage(
        stripped(header(headers, "Message-ID")),
        null,
        List.of(),
        Headers.clean(EncodedWords.decode(header(headers, "Subject"))),
        null,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        null,
        null,
        null,
        Importance.NORMAL,
        List.of());
  }

  /**
   * The header block alone, as text: UTF-8 when it is valid UTF-8 (RFC 6532), else the legacy 8-bit
   * reading mail clients use (windows-1252), so raw Latin-1 headers are not mojibake either.
   */
  private static InternetHeaders headers(byte[] raw) {
    byte[] block = Arrays.copyOf(raw, bodyStart(raw));
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(block))
              .toString();
    } catch (CharacterCodingException notUtf8) {
      text = LEGACY.decode(block);
    }
    try {
      return new InternetHeaders(
          new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), true);
    } catch (MessagingException e) {
      log.warn("Unreadable header block ({}); the message is kept without headers", e.getMessage());
      return new InternetHeaders();
    }
  }

  /** Where the body starts: after the first empty line, or the end when there is none. */
  static int bodyStart(byte[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] != '\n') {
        continue;
      }
      if (i + 1 < raw.length && raw[i + 1] == '\n') {
        return i + 2;
      }
      if (i + 2 < raw.length && raw[i + 1] == '\r' && raw[i + 2] == '\n') {
        return i + 3;
      }
    }
    return raw.length;
  }

  private static String header(InternetHeaders headers, String name) {
    String value = headers.getHeader(name, null);
    return value == null ? null : MimeUtility.unfold(value);
  }

  private static boolean isMimeType(Part part, String type) {
    try {
      return part.isMimeType(type);
    } catch (MessagingException | RuntimeException unparseableContentType) {
      return false;
    }
  }

  private static String disposition(Part part) {
    try {
      return part.getDisposition();
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }

  private static String fileName(Part part) {
    try {
      return utf8Reread(part.getFileName());
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Angus Mail reads the headers of body parts as ISO-8859-1 whatever the Session says, so a raw
   * UTF-8 file name (RFC 6532) arrives as mojibake; when the bytes read that way are valid UTF-8,
   * that is what they were.
   */
  private static String utf8Reread(String value) {
    if (value == null
        || value.chars().allMatch(c -> c < 0x80)
        || value.chars().anyMatch(c -> c > 0xFF)) {
      return value;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException reallyLatin1) {
      return value;
    }
  }

  private static String emptyAsNull(String body) {
    return body == null || body.isEmpty() ? null : body;
  }

  private static String text(Part part) throws MessagingException, IOException {
    Object content;
    try {
      content = part.getContent();
    } catch (IOException | MessagingException | RuntimeException unknownCharsetOrEncoding) {
      return new String(bytes(part), StandardCharsets.UTF_8);
    }
    if (content instanceof String s) {
      return s;
    }
    Charset cs = StandardCharsets.UTF_8;
    try {
      String charset = new ContentType(part.getContentType()).getParameter("charset");
      if (charset != null) {
        cs = Charset.forName(MimeUtility.javaCharset(charset));
      }
    } catch (MessagingException | RuntimeException ignored) {
      // unknown charset: UTF-8 is the least wrong guess
    }
    return new String(bytes(part), cs);
  }

  private static byte[] bytes(Part part) throws MessagingException, IOException {
    InputStream decoded;
    try {
      decoded = part.getInputStream();
    } catch (MessagingException | IOException unknownTransferEncoding) {
      // Whether Angus passes an unknown Content-Transfer-Encoding through depends on a System
      // property read once, when MimeUtility is first used (maybe before this class set it), so
      // the bytes are passed through here.
      return rawBytes(part);
    }
    try (InputStream in = decoded) {
      return in.readAllBytes();
    }
  }

  /** The part's content before any transfer decoding: what is kept when decoding fails. */
  private static byte[] rawBytes(Part part) {
    try (InputStream in =
        part instanceof MimeMessage m
            ? m.getRawInputStream()
            : part instanceof MimeBodyPart b
                ? b.getRawInputStream()
                : InputStream.nullInputStream()) {
      return in.readAllBytes();
    } catch (IOException | MessagingException | RuntimeException e) {
      return new byte[0];
    }
  }

  /**
   * Addresses of one header; a group ({@code Team: a@x, b@y;}) stands for its members, and an empty
   * one ({@code Undisclosed recipients:;}) for nobody.
   */
  private static List<Participant> addresses(InternetHeaders headers, String name) {
    String value = headers.getHeader(name, ",");
    if (value == null) {
      return List.of();
    }
    List<Participant> result = new ArrayList<>();
    try {
      for (Address address :
          InternetAddress.parseHeader(EncodedWords.joinRuns(MimeUtility.unfold(value)), false)) {
        if (!(address instanceof InternetAddress ia)) {
          continue;
        }
        if (ia.isGroup()) {
          try {
            for (InternetAddress member : ia.getGroup(false)) {
              participant(member, result);
            }
          } catch (MessagingException | RuntimeException badGroup) {
            // A group whose members cannot be read adds nobody rather than a fake participant.
          }
        } else {
          participant(ia, result);
        }
      }
    } catch (MessagingException | RuntimeException e) {
      log.debug("Unreadable {} header: {}", name, e.getMessage());
    }
    return result;
  }

  private static void participant(InternetAddress address, List<Participant> into) {
    String email = address.getAddress();
    if (email == null) {
      return;
    }
    email = email.trim();
    // What is left after a broken encoded-word or a stray group marker is no address.
    if (email.isEmpty()
        || email.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
        || email.endsWith(":")
        || email.endsWith(";")) {
      return;
    }
    into.add(new Participant(email, Headers.clean(address.getPersonal())));
  }

  private static java.time.Instant date(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      Date date = new MailDateFormat().parse(value.trim());
      return date == null ? null : date.toInstant();
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  private static Importance importance(InternetHeaders headers) {
    String importance = header(headers, "Importance");
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
    String priority = header(headers, "X-Priority");
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
    s = s.trim();
    return s.isEmpty() || s.chars().anyMatch(Character::isISOControl) ? null : s;
  }

  private static String baseType(Part part) {
    try {
      return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
    } catch (MessagingException | RuntimeException e) {
      return "application/octet-stream";
    }
  }

  private static <T> T first(List<T> list) {
    return list.isEmpty() ? null : list.get(0);
  }

  private static String first(String[] values) {
    return values == null || values.length == 0 ? null : values[0];
  }

  /**
   * Angus Mail reads these only as System properties (checked against its source: {@code
   * BASE64DecoderStream}, {@code MimeMultipart.initializeProperties}, and the static initializers
   * of {@code MimeUtility} and {@code ParameterList}), never from the Session. They only relax
   * parsing, so they are set for the whole JVM, unless the operator has set them already. The
   * static ones ({@code MimeUtility}, {@code ParameterList}) take effect only if set before those
   * classes are first used, which this class cannot guarantee; the parser does not depend on them
   * (it decodes encoded-words itself and passes unknown transfer encodings through).
   */
  private static void lenientSystemProperties() {
    // Broken base64 gives what it can instead of failing the part.
    setIfAbsent("mail.mime.base64.ignoreerrors", "true");
    // A multipart without its start boundary gives no parts (then kept as bytes) instead of a
    // throw.
    setIfAbsent("mail.mime.multipart.allowempty", "true");
    setIfAbsent("mail.mime.multipart.ignoremissingendboundary", "true");
    setIfAbsent("mail.mime.multipart.ignoremissingboundaryparameter", "true");
    // An unknown Content-Transfer-Encoding passes the bytes through.
    setIfAbsent("mail.mime.ignoreunknownencoding", "true");
    setIfAbsent("mail.mime.decodetext.strict", "false");
    setIfAbsent("mail.mime.parameters.strict", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The two the Session does carry (read in {@code MimeMessage.initConfiguration}). */
  private static Properties sessionProperties() {
    Properties props = new Properties();
    props.put("mail.mime.address.strict", "false");
    // RFC 6532: raw UTF-8 in the headers of the message and its parts.
    props.put("mail.mime.allowutf8", "true");
    return props;
  }

  /** windows-1252 when the JDK has it (it always does in practice), else ISO-8859-1. */
  private static final class Windows1252 {
    private final Charset charset;

    Windows1252() {
      Charset cs;
      try {
        cs = Charset.forName("windows-1252");
      } catch (RuntimeException e) {
        cs = StandardCharsets.ISO_8859_1;
      }
      charset = cs;
    }

    String decode(byte[] bytes) {
      return new String(bytes, charset);
    }
  }
}
