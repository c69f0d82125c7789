package dev.mailroom.store.mime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.store.mime.ParsedMessage.ParsedAttachment;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A large message is parsed from its spool file, not from memory: for every message of the corpus,
 * odd ones included, both ways must read the same headers, bodies and attachments.
 */
class SpooledParseTest {

  static Stream<Path> messages() throws IOException, URISyntaxException {
    Path eml = Path.of(SpooledParseTest.class.getResource("/eml").toURI());
    List<Path> all;
    try (Stream<Path> files = Files.walk(eml)) {
      all = files.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("messages")
  void aFileParsesAsItsBytesDo(Path message, @TempDir Path dir) throws IOException {
    // The corpus is stored with LF endings; IMAP delivers CRLF, which is what is spooled.
    byte[] crlf =
        new String(Files.readAllBytes(message), java.nio.charset.StandardCharsets.ISO_8859_1)
            .replace("\r\n", "\n")
            .replace("\n", "\r\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Path spooled = Files.write(dir.resolve("spooled.eml"), crlf);

    ParsedMessage fromBytes = MimeParser.parse(crlf);
    ParsedMessage fromFile = MimeParser.parse(spooled);

    assertThat(fromFile)
        .usingRecursiveComparison()
        .ignoringFields("attachments")
        .isEqualTo(fromBytes);
    assertThat(fromFile.attachments()).hasSameSizeAs(fromBytes.attachments());
    for (int i = 0; i < fromBytes.attachments().size(); i++) {
      ParsedAttachment expected = fromBytes.attachments().get(i);
      ParsedAttachment actual = fromFile.attachments().get(i);
      assertThat(actual).usingRecursiveComparison().ignoringFields("content").isEqualTo(expected);
      assertThat(actual.content()).as(expected.filename()).isEqualTo(expected.content());
    }
  }
}
