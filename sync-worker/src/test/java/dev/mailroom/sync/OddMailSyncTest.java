package dev.mailroom.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The odd-mail corpus of mail-store ({@code src/test/resources/eml/corpus}, with its {@code
 * expected.properties}) appended to an IMAP server as raw bytes and synced: every message is stored
 * once, with the expected headers, bodies and attachments read back from the stored record and its
 * S3 objects. On the embedded server and on Dovecot.
 */
@WithMailroomInfrastructure
class OddMailSyncTest {
  private static final Path CORPUS = Path.of("../mail-store/src/test/resources/eml/corpus");
  private static final Pattern MESSAGE_ID =
      Pattern.compile("(?im)^Message-ID:\\s*<([^>]+)>", Pattern.MULTILINE);
  private SyncFixture fixture;

  @BeforeEach
  void setUp(TestInfrastructure infrastructure) {
    fixture = SyncFixture.shared(infrastructure);
  }

  @Test
  void theCorpusSyncsFromTheEmbeddedServer() throws Exception {
    Map<String, Map<String, String>> expected = expectations();
    Mailbox mailbox = fixture.mailbox();
    List<Message> raws = new ArrayList<>();
    for (String name : expected.keySet()) {
      raws.add(new RawMessage(crlf(Files.readAllBytes(CORPUS.resolve(name)))));
    }
    fixture.atServer(
        mailbox, "INBOX", (store, folder) -> folder.appendMessages(raws.toArray(Message[]::new)));
    checkSynced(mailbox, expected, REWRITTEN_BY_GREENMAIL);
  }

  @Test
  void theCorpusSyncsFromDovecot() throws Exception {
    // Skipped without Dovecot, failed instead when MAILROOM_REQUIRE_DOVECOT=true, as elsewhere.
    Assumptions.assumeTrue(DovecotServer.available(), "Dovecot is not installed");
    Map<String, Map<String, String>> expected = expectations();
    try (DovecotServer dovecot = DovecotServer.start()) {
      String address = "odd-" + UUID.randomUUID() + "@mailroom.local";
      dovecot.addUser(address, "pw");
      Mailbox mailbox = fixture.mailbox(address, dovecot.host(), dovecot.imapPort(), 1);
      for (String name : expected.keySet()) {
        // Maildir files hold LF line endings; Dovecot serves them with CRLF.
        dovecot.deliver(address, "INBOX", Files.readAllBytes(CORPUS.resolve(name)), false);
      }
      checkSynced(mailbox, expected, Set.of());
    }
  }

  /**
   * GreenMail keeps appended mail as a parsed MimeMessage and serves it re-encoded: raw Latin-1
   * header bytes come back as U+FFFD. What Mailroom makes of those bytes is checked on Dovecot,
   * which serves them as they were; here only that the server did rewrite them.
   */
  private static final Set<String> REWRITTEN_BY_GREENMAIL = Set.of("latin1-raw-headers.eml");

  private void checkSynced(
      Mailbox mailbox, Map<String, Map<String, String>> expected, Set<String> rewrittenByServer)
      throws IOException {
    assertThat(fixture.sync(mailbox).messagesAdded()).isEqualTo(expected.size());
    List<StoredMessage> stored =
        fixture
            .bean(MessageRepository.class)
            .search(
                new MessageQuery.Builder(mailbox.tenantId(), List.of(mailbox.id()))
                    .limit(200)
                    .build())
            .collectList()
            .block();
    assertThat(stored).hasSize(expected.size());
    Map<String, StoredMessage> byMessageId = new TreeMap<>();
    StoredMessage withoutId = null;
    for (StoredMessage m : stored) {
      if (m.rfcMessageId() == null) {
        assertThat(withoutId).as("one message of the corpus has no Message-ID").isNull();
        withoutId = m;
      } else {
        assertThat(byMessageId.put(m.rfcMessageId(), m)).as("stored once").isNull();
      }
    }
    SoftAssertions softly = new SoftAssertions();
    for (var entry : expected.entrySet()) {
      String name = entry.getKey();
      String source = Files.readString(CORPUS.resolve(name), StandardCharsets.ISO_8859_1);
      Matcher id = MESSAGE_ID.matcher(source);
      StoredMessage m = id.find() ? byMessageId.get(id.group(1)) : withoutId;
      softly.assertThat(m).as(name + " stored").isNotNull();
      if (m == null) {
        continue;
      }
      byte[] served = blob(m.rawKey());
      if (rewrittenByServer.contains(name)) {
        softly
            .assertThat(new String(served, StandardCharsets.UTF_8))
            .as(name + " as the server serves it")
            .contains("\uFFFD");
        continue;
      }
      Map<String, String> actual = render(m);
      for (var field : entry.getValue().entrySet()) {
        String key = field.getKey();
        String value = field.getValue();
        switch (key) {
          case "text", "html" -> {
            String body = actual.get(key);
            if (value.equals("<null>")) {
              softly.assertThat(body).as(name + " " + key).isEqualTo(value);
            } else {
              softly.assertThat(body).as(name + " " + key).contains(value);
            }
          }
          case "attachmentText" -> {
            String attachmentId = value.substring(0, value.indexOf(':'));
            Attachment a =
                m.attachments().stream()
                    .filter(x -> x.id().equals(attachmentId))
                    .findFirst()
                    .orElseThrow();
            softly
                .assertThat(new String(blob(a.blobKey()), StandardCharsets.UTF_8))
                .as(name + " " + key)
                .contains(value.substring(value.indexOf(':') + 1));
          }
          default -> softly.assertThat(actual.get(key)).as(name + " " + key).isEqualTo(value);
        }
      }
    }
    softly.assertAll();
  }

  /** The stored record and its body objects in the notation of {@code expected.properties}. */
  private Map<String, String> render(StoredMessage m) {
    Map<String, String> r = new TreeMap<>();
    r.put("subject", orNull(m.subject()));
    r.put("messageId", orNull(m.rfcMessageId()));
    r.put("inReplyTo", orNull(m.inReplyTo()));
    r.put("from", m.from() == null ? "<null>" : participant(m.from()));
    r.put("to", participants(m.to()));
    r.put("cc", participants(m.cc()));
    r.put("date", m.sentAt() == null ? "<null>" : m.sentAt().toString());
    // Parsed once at ingestion: the bodies are objects of their own (an empty text when none).
    String text =
        m.textKey() == null ? null : new String(blob(m.textKey()), StandardCharsets.UTF_8);
    r.put("text", text == null || text.isEmpty() ? "<null>" : text);
    r.put(
        "html",
        m.htmlKey() == null ? "<null>" : new String(blob(m.htmlKey()), StandardCharsets.UTF_8));
    r.put(
        "attachments",
        m.attachments().stream()
            .map(
                a ->
                    String.join(
                        "|",
                        a.id(),
                        a.id().indexOf('_') < a.id().lastIndexOf('_')
                            ? a.id().substring(0, a.id().lastIndexOf('_'))
                            : "-",
                        a.filename(),
                        a.contentType(),
                        String.valueOf(a.inline()),
                        a.contentId() == null ? "-" : a.contentId()))
            .collect(Collectors.joining(" ; ")));
    r.put("hasAttachments", String.valueOf(m.hasAttachments()));
    return r;
  }

  private byte[] blob(String key) {
    assertThat(key).isNotNull();
    return fixture.bean(BlobStore.class).get(key).block();
  }

  private static Map<String, Map<String, String>> expectations() throws IOException {
    Properties properties = new Properties();
    try (Reader in =
        Files.newBufferedReader(CORPUS.resolve("expected.properties"), StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, Map<String, String>> byFile = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      int dot = key.lastIndexOf('.');
      byFile
          .computeIfAbsent(key.substring(0, dot), k -> new TreeMap<>())
          .put(key.substring(dot + 1), properties.getProperty(key));
    }
    return byFile;
  }

  private static String participants(List<Participant> list) {
    return list == null
        ? ""
        : list.stream().map(OddMailSyncTest::participant).collect(Collectors.joining(" ; "));
  }

  private static String participant(Participant p) {
    return p.name() == null ? p.email() : p.name() + " <" + p.email() + ">";
  }

  private static String orNull(String s) {
    return s == null ? "<null>" : s;
  }

  private static byte[] crlf(byte[] lf) {
    return new String(lf, StandardCharsets.ISO_8859_1)
        .replace("\n", "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Appended exactly as it is, where a MimeMessage would write its own idea of the message. */
  private static final class RawMessage extends MimeMessage {
    private final byte[] raw;

    RawMessage(byte[] raw) throws Exception {
      super(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
      this.raw = raw;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      out.write(raw);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
      out.write(raw);
    }
  }
}
