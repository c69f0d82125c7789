package dev.mailroom.provider.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.model.command.RecordDeliveryOutcome.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** SES's notifications, in the shapes its documentation shows, read into Mailroom's terms. */
class SesNotificationTest {

  @Test
  void aHardBounceNamesTheAddressAndTheServersWords() throws IOException {
    SesNotification.Reported bounce = reported("bounce-permanent.json");
    assertThat(bounce.outcome()).isEqualTo(Outcome.BOUNCED);
    assertThat(bounce.sesMessageId())
        .isEqualTo("0100018c1d2e3f40-5a6b7c8d-1111-2222-3333-444455556666-000000");
    assertThat(bounce.source()).isEqualTo("support@hosted.test");
    assertThat(bounce.rfcMessageId()).isEqualTo("order-1@hosted.test");
    assertThat(bounce.recipients()).containsExactly("nobody@example.org");
    assertThat(bounce.permanent()).isTrue();
    assertThat(bounce.detail()).isEqualTo("smtp; 550 5.1.1 user unknown");
    assertThat(bounce.occurredAt()).isEqualTo(Instant.parse("2026-12-03T10:15:30.237Z"));
  }

  @Test
  void aTransientBounceIsSoftAndSaysWhyWithoutADiagnostic() throws IOException {
    SesNotification.Reported bounce = reported("bounce-transient.json");
    assertThat(bounce.permanent()).isFalse();
    assertThat(bounce.detail()).isEqualTo("Transient (MailboxFull)");
  }

  @Test
  void aComplaintCarriesItsFeedbackTypeAndTheSourceWithoutItsName() throws IOException {
    SesNotification.Reported complaint = reported("complaint.json");
    assertThat(complaint.outcome()).isEqualTo(Outcome.COMPLAINED);
    assertThat(complaint.source()).isEqualTo("support@hosted.test");
    assertThat(complaint.recipients()).containsExactly("annoyed@example.org");
    assertThat(complaint.detail()).isEqualTo("abuse");
  }

  @Test
  void aDeliveryNamesOnlyTheRecipientsItReachedNotTheWholeDestination() throws IOException {
    SesNotification.Reported delivery = reported("delivery.json");
    assertThat(delivery.outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(delivery.recipients()).containsExactly("alice@example.org");
    assertThat(delivery.detail()).isEqualTo("250 2.6.0 Message received");
    assertThat(delivery.occurredAt()).isEqualTo(Instant.parse("2026-12-03T10:15:31.500Z"));
  }

  @Test
  void aRejectFromEventPublishingIsReadLikeTheNotifications() throws IOException {
    SesNotification.Reported reject = reported("reject-event.json");
    assertThat(reject.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(reject.detail()).isEqualTo("Bad content");
    assertThat(reject.recipients()).containsExactly("alice@example.org");
  }

  @Test
  void eventsMailroomDoesNotRecordAreIgnoredByName() throws IOException {
    assertThat(read("send-event.json")).isEqualTo(new SesNotification.Ignored("Send"));
  }

  @Test
  void mailReceivedIntoS3SaysWhereItLiesAndForWhom() throws IOException {
    SesNotification.Received received = (SesNotification.Received) read("received-s3.json");
    assertThat(received.bucket()).isEqualTo("mailroom");
    assertThat(received.key()).isEqualTo("ses-inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1");
    assertThat(received.recipients()).containsExactly("support@hosted.test", "sales@hosted.test");
    assertThat(received.source()).isEqualTo("carol@example.org");
    assertThat(received.content()).isNull();
  }

  @Test
  void mailReceivedThroughAnSnsActionCarriesItsBytes() throws IOException {
    SesNotification.Received received = (SesNotification.Received) read("received-sns.json");
    assertThat(new String(received.content(), StandardCharsets.US_ASCII))
        .startsWith("From: carol@example.org\r\nSubject: Hello\r\n");
    assertThat(received.source()).isEmpty();
    assertThat(received.bucket()).isNull();
  }

  @Test
  void somethingThatIsNotSesJsonIsRefusedWithAReason() {
    assertThatThrownBy(() -> SesNotification.read("not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> SesNotification.read("{\"notificationType\":\"Bounce\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mail.messageId");
    assertThatThrownBy(() -> SesNotification.read("{\"mail\":{}}"))
        .hasMessageContaining("notificationType");
  }

  private static SesNotification.Reported reported(String fixture) throws IOException {
    return (SesNotification.Reported) read(fixture);
  }

  private static SesNotification read(String fixture) throws IOException {
    try (InputStream in = SesNotificationTest.class.getResourceAsStream("/ses/" + fixture)) {
      return SesNotification.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
