package dev.mailroom.store.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryReportsTest {
  private static byte[] eml(String name) throws IOException {
    try (InputStream in =
        DeliveryReportsTest.class.getResourceAsStream("/eml/bounces/" + name + ".eml")) {
      return in.readAllBytes();
    }
  }

  @Test
  void aPostfixHardBounceNamesTheRecipientItsStatusAndTheOriginalMessage() throws IOException {
    DeliveryReport report = DeliveryReports.read(eml("postfix-hard-bounce")).orElseThrow();

    assertThat(report.originalMessageId()).isEqualTo("msg_4f2a9c@help.example");
    assertThat(report.recipients()).hasSize(1);
    DeliveryReport.RecipientStatus nobody = report.recipients().get(0);
    assertThat(nobody.recipient()).isEqualTo("nobody@customer.example");
    assertThat(nobody.action()).isEqualTo("failed");
    assertThat(nobody.status()).isEqualTo("5.1.1");
    assertThat(nobody.diagnostic())
        .isEqualTo(
            "550 5.1.1 <nobody@customer.example> User doesn't exist: nobody@customer.example");
    assertThat(nobody.permanent()).isTrue();
    assertThat(report.failures()).containsExactly(nobody);
  }

  @Test
  void aDelayIsReportedButIsNoFailure() throws IOException {
    DeliveryReport report = DeliveryReports.read(eml("relay-delay")).orElseThrow();

    assertThat(report.originalMessageId()).isEqualTo("msg_77b1@help.example");
    assertThat(report.recipients())
        .singleElement()
        .satisfies(
            slow -> {
              assertThat(slow.action()).isEqualTo("delayed");
              assertThat(slow.failed()).isFalse();
              assertThat(slow.permanent()).isFalse();
            });
    assertThat(report.failures()).isEmpty();
  }

  @Test
  void ordinaryMailAndOtherReportsAreNoDeliveryReports() {
    String plain = "From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\n\r\nHello\r\n";
    String readReceipt =
        "From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report;"
            + " report-type=disposition-notification; boundary=x\r\n\r\n--x\r\n"
            + "Content-Type: text/plain\r\n\r\nRead.\r\n--x--\r\n";
    assertThat(DeliveryReports.read(plain.getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(DeliveryReports.read(readReceipt.getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(DeliveryReports.read(new byte[] {1, 2, 3})).isEmpty();
  }
}
