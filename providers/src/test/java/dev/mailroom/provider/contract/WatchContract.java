package dev.mailroom.provider.contract;

import static dev.mailroom.provider.contract.ProviderFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Push: a watch says that the mailbox changed, and ends only with a reason. */
public interface WatchContract extends ProviderFixture {

  /** What a watch told: a permit per change, and how it ended. */
  final class Recorder implements ChangeWatch.Listener {
    public final Semaphore changes = new Semaphore(0);
    public final CompletableFuture<ProviderException> ended = new CompletableFuture<>();

    @Override
    public void changed() {
      changes.release();
    }

    @Override
    public void ended(ProviderException cause) {
      ended.complete(cause);
    }
  }

  @Test
  default void newMailIsNotified() throws Exception {
    assumeTrue(can(Capability.PUSH_NOTIFICATIONS));
    Recorder recorder = new Recorder();
    try (ChangeWatch watch = provider().watch(newMailbox(), recorder)) {
      deliver(message("w1@x", "watched"));
      // Generous: on a cold, busy CI machine the embedded server's push has taken over 10 s.
      assertThat(recorder.changes.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      assertThat(recorder.ended).isNotDone();
    }
  }

  @Test
  default void aWatchWithRefusedCredentialsFailsAsAnAuthFailure() throws Exception {
    assumeTrue(can(Capability.PUSH_NOTIFICATIONS));
    MailboxAccess wrong = withWrongSecret(newMailbox());
    assertThatThrownBy(() -> provider().watch(wrong, new Recorder()).close())
        .isInstanceOf(ProviderException.AuthRevoked.class);
  }
}
