package dev.mailroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.gateway.core.AttachmentPolicy.Upload;
import dev.mailroom.gateway.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttachmentPolicyTest {
  private static final String HELLO =
      Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "virus.exe",
        "A.EXE",
        "invoice.pdf.exe",
        "run.bat",
        "screen.scr",
        "a.exe.",
        "a.exe ",
        "a.exe. . ",
        "ａ.ｅｘｅ"
      })
  void blockedTypesAreCaughtHoweverDisguised(String filename) {
    assertThatThrownBy(
            () ->
                AttachmentPolicy.check(
                    "attachments", List.of(new Upload(filename, "application/pdf", HELLO))))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("Invalid attachments");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"evil\u0000.pdf", "report\u202Efdp.exe", "line\nbreak.pdf", "tab\tname.pdf"})
  void controlAndDirectionOverrideCharactersAreRefused(String filename) {
    assertThatThrownBy(
            () ->
                AttachmentPolicy.check(
                    "attachments", List.of(new Upload(filename, "application/pdf", HELLO))))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void ordinaryFilesPassDecoded() {
    var accepted =
        AttachmentPolicy.check(
            "attachments",
            List.of(
                new Upload("Rapport été.pdf", "application/pdf", HELLO),
                new Upload("exe.notes.txt", null, "aGVs\nbG8=")));
    assertThat(accepted).hasSize(2);
    assertThat(new String(accepted.get(0).content(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(accepted.get(1).contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void invalidBase64AndBadTypesAndOversizeAreFieldErrors() {
    ApiException bad =
        (ApiException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    AttachmentPolicy.check(
                        "attachments",
                        List.of(
                            new Upload("a.pdf", "application/pdf", "not base64!!"),
                            new Upload("b.pdf", "pdf", HELLO),
                            new Upload("", "application/pdf", HELLO))));
    assertThat(bad.toError().fieldErrors())
        .extracting(e -> e.field())
        .containsExactly(
            "attachments[0].content_base64",
            "attachments[1].content_type",
            "attachments[2].filename");
    String big = Base64.getEncoder().encodeToString(new byte[13 * 1024 * 1024]);
    assertThatThrownBy(
            () ->
                AttachmentPolicy.check(
                    "attachments",
                    List.of(new Upload("a.bin", null, big), new Upload("b.bin", null, big))))
        .isInstanceOf(ApiException.class);
  }
}
