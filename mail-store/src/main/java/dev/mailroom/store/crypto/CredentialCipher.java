package dev.mailroom.store.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for mailbox credentials (passwords, refresh tokens). The tenant and mailbox ids are
 * authenticated data, so a ciphertext copied onto another mailbox's record fails to decrypt.
 */
public final class CredentialCipher {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public CredentialCipher(String base64Key) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64Key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mailroom.security.credential-key is not base64", e);
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "mailroom.security.credential-key must be 32 bytes (base64), got " + raw.length);
    }
    this.key = new SecretKeySpec(raw, "AES");
  }

  /**
   * A key for another purpose, derived from this one (HMAC-SHA256 of {@code purpose}): one secret
   * to configure, and no two uses sharing a key.
   */
  public byte[] derivedKey(String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public EncryptedSecret encrypt(String plaintext, String tenantId, String mailboxId) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(tenantId, mailboxId));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      Base64.Encoder b64 = Base64.getEncoder();
      return new EncryptedSecret(b64.encodeToString(nonce), b64.encodeToString(sealed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String decrypt(EncryptedSecret secret, String tenantId, String mailboxId) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Base64.getDecoder().decode(secret.nonce())));
      cipher.updateAAD(associatedData(tenantId, mailboxId));
      return new String(
          cipher.doFinal(Base64.getDecoder().decode(secret.ciphertext())), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new CredentialDecryptionException(
          "Credentials of mailbox " + mailboxId + " cannot be decrypted with the configured key",
          e);
    }
  }

  private static byte[] associatedData(String tenantId, String mailboxId) {
    return ("mailroom/" + tenantId + "/" + mailboxId).getBytes(StandardCharsets.UTF_8);
  }
}
