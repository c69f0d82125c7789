package dev.mailroom.store.crypto;

/** Wrong key, or a ciphertext that belongs to another mailbox. */
public class CredentialDecryptionException extends RuntimeException {
  public CredentialDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
