package dev.mailroom.model.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body} under
 * each endpoint secret ({@code whsec_} + base64 key). While a secret rotates, every active secret
 * signs and the signatures are sent space-separated, so receivers holding either verify.
 */
public final class WebhookSigner {
  public static final String SECRET_PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSigner() {}

  /** A new endpoint secret: 24 random bytes, shown to the subscriber once. */
  public static String newSecret() {
    byte[] key = new byte[24];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header value for one delivery. */
  public static String signatureHeader(
      List<String> secrets, String messageId, long timestampSeconds, String body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("An endpoint needs at least one secret");
    }
    String signed = messageId + "." + timestampSeconds + "." + body;
    return secrets.stream()
        .map(secret -> "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), signed)))
        .collect(Collectors.joining(" "));
  }

  private static byte[] key(String secret) {
    String encoded =
        secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    return Base64.getDecoder().decode(encoded);
  }

  private static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
