package dev.mailroom.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.runtime.kafka.InfrastructureOutages;
import jakarta.mail.MessagingException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * What the sync worker throws for a tenant's server that cannot be reached is that record's
 * failure; what it throws for a store that cannot be reached is an outage.
 */
class ProviderFailuresAreNotOutagesTest {

  @Test
  void aTenantsUnreachableServerIsNotAnOutage() {
    var refused =
        new ProviderException.Transient(
            "Couldn't connect to host",
            new MessagingException("connect failed", new ConnectException("Connection refused")));
    assertThat(InfrastructureOutages.isOutage(new RetryableSyncException("Sync failed", refused)))
        .isFalse();
    var timedOut =
        new ProviderException.Transient("read timed out", new SocketTimeoutException("Read"));
    assertThat(InfrastructureOutages.isOutage(new RetryableSyncException("Sync failed", timedOut)))
        .isFalse();
  }

  @Test
  void anUnreachableStoreStillIs() {
    assertThat(
            InfrastructureOutages.isOutage(
                new RetryableSyncException(
                    "Sync failed",
                    new DataAccessResourceFailureException("down", new ConnectException()))))
        .isTrue();
  }
}
