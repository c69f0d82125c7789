package dev.mailroom.store.mime;

import dev.mailroom.model.message.Participant;
import dev.mailroom.store.mime.ParsedMessage.ParsedAttachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The odd-mail corpus in {@code src/test/resources/eml/corpus}: each message parsed as stored (LF)
 * and as an IMAP server serves it (CRLF), against {@code expected.properties}. The sync tests run
 * the same corpus through an IMAP server.
 */
class OddMailCorpusTest {
  static final String DIR = "/eml/corpus/";

  static Map<String, Map<String, String>> expectations() throws IOException {
    Properties properties = new Properties();
    try (InputStream in =
        OddMailCorpusTest.class.getResourceAsStream(DIR + "expected.properties")) {
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
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

  static Stream<String> messages() throws IOException {
    return new TreeSet<>(expectations().keySet()).stream();
  }

  @ParameterizedTest
  @MethodSource("messages")
  void parsesAsExpectedWithEitherLineEnding(String name) throws Exception {
    byte[] lf;
    try (InputStream in = OddMailCorpusTest.class.getResourceAsStream(DIR + name)) {
      lf = in.readAllBytes();
    }
    byte[] crlf =
        new String(lf, StandardCharsets.ISO_8859_1)
            .replace("\n", "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    Map<String, String> expected = expectations().get(name);
    SoftAssertions softly = new SoftAssertions();
    for (byte[] raw : List.of(lf, crlf)) {
      ParsedMessage m = MimeParser.parse(raw);
      Map<String, String> actual = render(m);
      expected.forEach(
          (field, value) -> {
            switch (field) {
              case "text", "html" -> {
                if (value.equals("<null>")) {
                  softly.assertThat(actual.get(field)).as(name + " " + field).isEqualTo(value);
                } else {
                  softly.assertThat(actual.get(field)).as(name + " " + field).contains(value);
                }
              }
              case "attachmentText" -> {
                String id = value.substring(0, value.indexOf(':'));
                ParsedAttachment a =
                    m.attachments().stream()
                        .filter(x -> x.id().equals(id))
                        .findFirst()
                        .orElse(null);
                softly.assertThat(a).as(name + " " + id).isNotNull();
                if (a != null) {
                  softly
                      .assertThat(new String(a.content(), StandardCharsets.UTF_8))
                      .as(name + " " + field)
                      .contains(value.substring(value.indexOf(':') + 1));
                }
              }
              default ->
                  softly.assertThat(actual.get(field)).as(name + " " + field).isEqualTo(value);
            }
          });
    }
    softly.assertAll();
  }

  /** The parsed message in the notation of {@code expected.properties}. */
  static Map<String, String> render(ParsedMessage m) {
    Map<String, String> r = new TreeMap<>();
    r.put("subject", orNull(m.subject()));
    r.put("messageId", orNull(m.messageId()));
    r.put("inReplyTo", orNull(m.inReplyTo()));
    r.put("from", m.from() == null ? "<null>" : participant(m.from()));
    r.put("to", participants(m.to()));
    r.put("cc", participants(m.cc()));
    r.put("date", m.sentAt() == null ? "<null>" : m.sentAt().toString());
    r.put("text", orNull(m.text()));
    r.put("html", orNull(m.html()));
    r.put(
        "attachments",
        m.attachments().stream()
            .map(
                a ->
                    String.join(
                        "|",
                        a.id(),
                        dash(a.parentId()),
                        a.filename(),
                        a.contentType(),
                        String.valueOf(a.inline()),
                        dash(a.contentId())))
            .collect(Collectors.joining(" ; ")));
    r.put("hasAttachments", String.valueOf(m.attachments().stream().anyMatch(a -> !a.inline())));
    return r;
  }

  static String participants(List<Participant> list) {
    return list.stream().map(OddMailCorpusTest::participant).collect(Collectors.joining(" ; "));
  }

  static String participant(Participant p) {
    return p.name() == null ? p.email() : p.name() + " <" + p.email() + ">";
  }

  private static String orNull(String s) {
    return s == null ? "<null>" : s;
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
