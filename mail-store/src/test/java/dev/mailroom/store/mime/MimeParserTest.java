package dev.mailroom.store.mime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.mime.ParsedMessage.ParsedAttachment;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Real-world shaped messages from {@code src/test/resources/eml}. */
class MimeParserTest {

  private static ParsedMessage parse(String name) throws Exception {
    try (InputStream in = MimeParserTest.class.getResourceAsStream("/eml/" + name)) {
      return MimeParser.parse(in.readAllBytes());
    }
  }

  @Test
  void alternativeBodiesEncodedWordsThreadingHeadersAndAnAttachment() throws Exception {
    ParsedMessage m = parse("alternative-with-attachment.eml");
    assertThat(m.messageId()).isEqualTo("CAF1234.alt@mail.example.com");
    assertThat(m.inReplyTo()).isEqualTo("prev-1@mail.example.com");
    assertThat(m.references())
        .containsExactly("root-0@mail.example.com", "prev-1@mail.example.com");
    assertThat(m.subject()).isEqualTo("Q1 Project Update – résumé");
    assertThat(m.from()).isEqualTo(new Participant("boss@example.com", "Smith, Jane"));
    assertThat(m.to())
        .containsExactly(
            new Participant("you@example.com", "You"), new Participant("team@example.com", null));
    assertThat(m.cc()).containsExactly(new Participant("juergen@example.de", "Jürgen Müller"));
    assertThat(m.sentAt()).isEqualTo(Instant.parse("2026-02-07T14:30:00Z"));
    assertThat(m.text()).startsWith("Hi team, here’s the latest update");
    assertThat(m.html()).contains("<p>Hi team");
    assertThat(m.importance()).isEqualTo(Importance.HIGH);
    assertThat(m.attachments()).hasSize(1);
    ParsedAttachment pdf = m.attachments().get(0);
    assertThat(pdf.filename()).isEqualTo("Rapport été.pdf");
    assertThat(pdf.contentType()).isEqualTo("application/pdf");
    assertThat(pdf.inline()).isFalse();
    assertThat(new String(pdf.content(), 0, 8)).isEqualTo("%PDF-1.4");
  }

  @Test
  void inlineImagesByContentIdAndALatin1Body() throws Exception {
    ParsedMessage m = parse("inline-cid-latin1.eml");
    assertThat(m.html()).isEqualTo("<p>Grüße <img src=\"cid:logo@example.com\"></p>");
    assertThat(m.text()).isNull();
    ParsedAttachment logo = m.attachments().get(0);
    assertThat(logo.inline()).isTrue();
    assertThat(logo.contentId()).isEqualTo("logo@example.com");
    assertThat(logo.contentType()).isEqualTo("image/png");
    assertThat(logo.content()).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
  }

  @Test
  void brokenHeadersAndUnknownCharsetsDegradeInsteadOfFailing() throws Exception {
    ParsedMessage m = parse("no-message-id-unknown-charset.eml");
    assertThat(m.messageId()).isNull();
    assertThat(m.subject()).isEqualTo("No Message-ID, unknown charset");
    assertThat(m.text()).contains("Plain body.");
    assertThat(m.to()).containsExactly(new Participant("you@example.com", null));
  }

  @Test
  void anUndecodablePartIsKeptWithTheHeadersAndLoggedOnceWithoutAStackTrace() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(MimeParser.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      ParsedMessage m = parse("corpus/missing-start-boundary.eml");
      assertThat(m.subject()).isEqualTo("Missing start boundary");
      assertThat(m.from()).isEqualTo(new Participant("ann@example.com", "Ann Example"));
      assertThat(m.sentAt()).isEqualTo(Instant.parse("2026-03-02T09:15:00Z"));
      assertThat(m.attachments()).hasSize(1);
      assertThat(new String(m.attachments().get(0).content())).contains("The body is still here.");
      assertThat(appender.list).hasSize(1);
      ILoggingEvent event = appender.list.get(0);
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage())
          .contains("no-start@example.com")
          .contains("kept as an attachment")
          .doesNotContain("\n");
      assertThat(event.getThrowableProxy()).isNull();
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aForwardedMessageIsKeptWholeAsAnAttachment() throws Exception {
    ParsedMessage m = parse("forward-as-attachment.eml");
    assertThat(m.text()).isEqualTo("FYI");
    assertThat(m.importance()).isEqualTo(Importance.LOW);
    assertThat(m.attachments()).hasSize(1);
    assertThat(m.attachments().get(0).contentType()).isEqualTo("message/rfc822");
    assertThat(new String(m.attachments().get(0).content())).contains("Inner body");
  }
}
