package dev.mailroom.store.mime;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeBodyPart;
import org.junit.jupiter.api.Test;

class MailStreamsTest {
  @Test
  void theParserNamesAngusMailsProviderSoNoPartScansTheClassPath() throws Exception {
    MimeParser.parse("Subject: x\r\n\r\nbody".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(System.getProperty(MailStreams.PROPERTY)).isEqualTo(MailStreams.ANGUS);
    // The lookup that reads the property still finds a working provider.
    MimeBodyPart part = new MimeBodyPart();
    part.setText("still works");
    assertThat(part.getContent()).isEqualTo("still works");
  }
}
