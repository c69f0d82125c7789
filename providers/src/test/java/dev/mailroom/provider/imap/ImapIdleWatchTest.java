package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.provider.contract.ProviderFixture;
import dev.mailroom.provider.contract.WatchContract.Recorder;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** IMAP IDLE against a real server: notifications, keepalive renewals, a dropped connection. */
@EnabledIf("dev.mailroom.infra.mail.DovecotServer#available")
class ImapIdleWatchTest {

  private static PasswordAccess access(DovecotServer dovecot, String user, String password) {
    MailboxAccess.Endpoint imap =
        new MailboxAccess.Endpoint(dovecot.host(), dovecot.imapPort(), "none");
    return new PasswordAccess(user, user, password, imap, imap);
  }

  private static void deliver(DovecotServer dovecot, String user, String id) {
    dovecot.deliver(
        user, "INBOX", ProviderFixture.message(id, id).getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void newMailIsNotifiedAgainAndAgainAcrossKeepaliveRenewals() throws Exception {
    try (DovecotServer dovecot = DovecotServer.start();
        ImapProvider provider =
            new ImapProvider(
                Duration.ofSeconds(5), Duration.ofMillis(300), java.time.Clock.systemUTC())) {
      dovecot.addUser("idle@mailroom.local", "pw");
      Recorder recorder = new Recorder();
      try (ChangeWatch watch =
          provider.watch(access(dovecot, "idle@mailroom.local", "pw"), recorder)) {
        deliver(dovecot, "idle@mailroom.local", "first@x");
        assertThat(recorder.changes.tryAcquire(10, TimeUnit.SECONDS)).as("first").isTrue();
        recorder.changes.drainPermits();
        Thread.sleep(1_000); // a few renewals (NOOP, IDLE again)
        deliver(dovecot, "idle@mailroom.local", "second@x");
        assertThat(recorder.changes.tryAcquire(10, TimeUnit.SECONDS)).as("second").isTrue();
        assertThat(recorder.ended).isNotDone();
      }
    }
  }

  @Test
  void aDroppedConnectionEndsTheWatchAsTransient() throws Exception {
    DovecotServer dovecot = DovecotServer.start();
    try (ImapProvider provider =
        new ImapProvider(
            Duration.ofSeconds(5), Duration.ofMillis(300), java.time.Clock.systemUTC())) {
      dovecot.addUser("drop@mailroom.local", "pw");
      Recorder recorder = new Recorder();
      provider.watch(access(dovecot, "drop@mailroom.local", "pw"), recorder);
      dovecot.close();
      assertThat(recorder.ended.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ProviderException.Transient.class);
    } finally {
      dovecot.close();
    }
  }

  @Test
  void refusedCredentialsAreAnAuthFailure() {
    try (DovecotServer dovecot = DovecotServer.start();
        ImapProvider provider = new ImapProvider(Duration.ofSeconds(5))) {
      dovecot.addUser("refused@mailroom.local", "right");
      assertThatThrownBy(
              () ->
                  provider.watch(
                      access(dovecot, "refused@mailroom.local", "wrong"), new Recorder()))
          .isInstanceOf(ProviderException.AuthRevoked.class);
    }
  }
}
