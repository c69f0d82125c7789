package dev.mailroom.model.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our signatures, checked by the Standard Webhooks reference library rather than our own code. */
class WebhookSignerTest {
  private static final String BODY =
      "{\"type\":\"message.sent\",\"data\":{\"id\":\"msg_1\",\"subject\":\"Grüße\"}}";

  private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
    return Map.of(
        "webhook-id", List.of(id),
        "webhook-timestamp", List.of(Long.toString(timestamp)),
        "webhook-signature", List.of(signature));
  }

  @Test
  void theReferenceLibraryVerifiesOurSignature() {
    String secret = WebhookSigner.newSecret();
    long now = Instant.now().getEpochSecond();
    String signature = WebhookSigner.signatureHeader(List.of(secret), "msg_2Lx", now, BODY);
    assertThatCode(() -> new Webhook(secret).verify(BODY, headers("msg_2Lx", now, signature)))
        .doesNotThrowAnyException();
  }

  @Test
  void duringRotationEitherSecretVerifies() {
    String old = WebhookSigner.newSecret();
    String fresh = WebhookSigner.newSecret();
    long now = Instant.now().getEpochSecond();
    String signature = WebhookSigner.signatureHeader(List.of(old, fresh), "msg_rot", now, BODY);
    assertThatCode(() -> new Webhook(old).verify(BODY, headers("msg_rot", now, signature)))
        .doesNotThrowAnyException();
    assertThatCode(() -> new Webhook(fresh).verify(BODY, headers("msg_rot", now, signature)))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                new Webhook(WebhookSigner.newSecret())
                    .verify(BODY, headers("msg_rot", now, signature)))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void aChangedBodyIdOrTimestampFailsVerification() {
    String secret = WebhookSigner.newSecret();
    long now = Instant.now().getEpochSecond();
    String signature = WebhookSigner.signatureHeader(List.of(secret), "msg_x", now, BODY);
    Webhook webhook = new Webhook(secret);
    assertThatThrownBy(() -> webhook.verify(BODY + " ", headers("msg_x", now, signature)))
        .isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> webhook.verify(BODY, headers("msg_y", now, signature)))
        .isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> webhook.verify(BODY, headers("msg_x", now + 1, signature)))
        .isInstanceOf(WebhookVerificationException.class);
  }
}
