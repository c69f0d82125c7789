package dev.mailroom.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every code the gateway can answer is documented in docs/errors.md, and nothing else is. */
class ErrorCatalogTest {
  private static final Path DOCUMENT = Path.of("..", "docs", "errors.md");
  private static final Pattern SECTION =
      Pattern.compile("^## ([a-z-]+)\\R+\\*\\*(\\d{3}) `([A-Z_]+)`\\*\\*", Pattern.MULTILINE);

  @Test
  void everyCodeHasItsSectionWithItsStatusAndEverySectionItsCode() throws IOException {
    String document = Files.readString(DOCUMENT);
    Map<String, String> documented = new LinkedHashMap<>();
    Matcher section = SECTION.matcher(document);
    while (section.find()) {
      assertThat(section.group(1))
          .as("anchor of " + section.group(3))
          .isEqualTo(ErrorCode.valueOf(section.group(3)).anchor());
      documented.put(section.group(3), section.group(2));
    }
    Map<String, String> defined =
        Arrays.stream(ErrorCode.values())
            .collect(
                Collectors.toMap(
                    ErrorCode::name,
                    code -> String.valueOf(code.status().value()),
                    (a, b) -> a,
                    LinkedHashMap::new));
    assertThat(documented).isEqualTo(defined);
    // Each "## " heading is a code's section: none without one.
    assertThat(document.lines().filter(line -> line.startsWith("## ")).count())
        .isEqualTo(ErrorCode.values().length);
  }

  @Test
  void everyAnswerLinksToItsSection() {
    for (ErrorCode code : ErrorCode.values()) {
      ApiError error = ApiError.of(code, "x");
      assertThat(error.docs()).isEqualTo("docs/errors.md#" + code.anchor());
      assertThat(error.status()).isEqualTo(code.status().value());
    }
  }
}
