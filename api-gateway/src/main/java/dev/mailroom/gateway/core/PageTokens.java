package dev.mailroom.gateway.core;

import dev.mailroom.store.config.SecurityProperties;
import dev.mailroom.store.message.MessageQuery.Position;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Opaque, tamper-proof page tokens: the keyset position of the last row, bound to the query it
 * belongs to (filters and token), signed with a key derived from the server's credential key. A
 * token that was altered, or is replayed with other filters, is rejected.
 */
@Component
public class PageTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final int MAC_BYTES = 16;

  private final SecretKeySpec key;

  public PageTokens(SecurityProperties security) {
    this.key =
        new SecretKeySpec(
            hmac(
                Base64.getDecoder().decode(security.credentialKey()),
                "page-tokens".getBytes(StandardCharsets.UTF_8)),
            "HmacSHA256");
  }

  public String issue(Position position, String queryFingerprint) {
    byte[] id = position.id().getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(8 + 4 + 32 + id.length);
    payload.putLong(position.receivedAt().getEpochSecond());
    payload.putInt(position.receivedAt().getNano());
    payload.put(sha256(queryFingerprint));
    payload.put(id);
    byte[] body = payload.array();
    return B64.encodeToString(body) + "." + B64.encodeToString(mac(body));
  }

  /** The position, if the token is intact and was issued for this same query. */
  public Optional<Position> read(String token, String queryFingerprint) {
    try {
      int dot = token.indexOf('.');
      if (dot < 0) {
        return Optional.empty();
      }
      byte[] body = B64D.decode(token.substring(0, dot));
      byte[] mac = B64D.decode(token.substring(dot + 1));
      if (body.length <= 44 || !MessageDigest.isEqual(mac, mac(body))) {
        return Optional.empty();
      }
      ByteBuffer buffer = ByteBuffer.wrap(body);
      Instant at = Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
      byte[] fingerprint = new byte[32];
      buffer.get(fingerprint);
      if (!MessageDigest.isEqual(fingerprint, sha256(queryFingerprint))) {
        return Optional.empty();
      }
      byte[] id = Arrays.copyOfRange(body, 44, body.length);
      return Optional.of(new Position(at, new String(id, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException
        | java.nio.BufferUnderflowException
        | java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(body), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
