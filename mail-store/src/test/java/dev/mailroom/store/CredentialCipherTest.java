package dev.mailroom.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.crypto.CredentialDecryptionException;
import dev.mailroom.store.crypto.EncryptedSecret;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private final CredentialCipher cipher = new CredentialCipher(KEY);

  @Test
  void roundTripsAndNeverStoresThePlaintext() {
    EncryptedSecret secret = cipher.encrypt("hunter2-ü", "t1", "m1");
    assertThat(secret.ciphertext()).doesNotContain("hunter2");
    assertThat(cipher.decrypt(secret, "t1", "m1")).isEqualTo("hunter2-ü");
  }

  @Test
  void freshNonceEveryTime() {
    assertThat(cipher.encrypt("x", "t1", "m1").nonce())
        .isNotEqualTo(cipher.encrypt("x", "t1", "m1").nonce());
  }

  @Test
  void aCiphertextMovedToAnotherMailboxOrTenantDoesNotDecrypt() {
    EncryptedSecret secret = cipher.encrypt("pw", "t1", "m1");
    assertThatThrownBy(() -> cipher.decrypt(secret, "t1", "m2"))
        .isInstanceOf(CredentialDecryptionException.class);
    assertThatThrownBy(() -> cipher.decrypt(secret, "t2", "m1"))
        .isInstanceOf(CredentialDecryptionException.class);
  }

  @Test
  void anotherKeyDoesNotDecrypt() {
    byte[] other = new byte[32];
    other[0] = 1;
    EncryptedSecret secret = cipher.encrypt("pw", "t1", "m1");
    assertThatThrownBy(
            () ->
                new CredentialCipher(Base64.getEncoder().encodeToString(other))
                    .decrypt(secret, "t1", "m1"))
        .isInstanceOf(CredentialDecryptionException.class);
  }

  @Test
  void aKeyOfTheWrongSizeIsRefusedNamingTheProperty() {
    assertThatThrownBy(() -> new CredentialCipher(Base64.getEncoder().encodeToString(new byte[16])))
        .hasMessageContaining("mailroom.security.credential-key");
    assertThatThrownBy(() -> new CredentialCipher("not base64!"))
        .hasMessageContaining("mailroom.security.credential-key");
  }
}
