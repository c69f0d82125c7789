package dev.mailroom.provider.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failures the server itself can produce, each mapped to its kind. Rate limits and permanent
 * refusals the test servers cannot produce are held by each adapter's error-table test.
 */
public interface ErrorContract extends ProviderFixture {

  @Test
  default void aRefusedSecretIsAnAuthFailure() throws Exception {
    MailboxAccess wrong = withWrongSecret(newMailbox());
    assertThatThrownBy(() -> provider().open(wrong).close())
        .isInstanceOf(ProviderException.AuthRevoked.class);
  }

  @Test
  default void anUnreachableServerIsTransientNeverAnAuthFailure() {
    MailboxAccess access = unreachable();
    assertThatThrownBy(() -> provider().open(access).close())
        .isInstanceOf(ProviderException.Transient.class);
    assertThatThrownBy(() -> provider().submit(access, new byte[0], List.of(access.address())))
        .isInstanceOf(ProviderException.Transient.class);
  }
}
