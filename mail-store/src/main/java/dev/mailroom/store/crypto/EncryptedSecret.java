package dev.mailroom.store.crypto;

/** Base64 nonce and ciphertext (with its GCM tag) of one secret. */
public record EncryptedSecret(String nonce, String ciphertext) {}
