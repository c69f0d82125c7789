package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.provider.spi.FolderChanges;
import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MailboxSessionContract;
import dev.mailroom.provider.spi.PasswordAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The provider contract against Dovecot, a full IMAP server with CONDSTORE, so the adapter's
 * modification-sequence path is held to the same contract as the full-listing one.
 */
@EnabledIf("dev.mailroom.infra.mail.DovecotServer#available")
class DovecotMailboxSessionTest implements MailboxSessionContract {
  private static DovecotServer dovecot;
  private String user;

  @BeforeAll
  static void start() {
    dovecot = DovecotServer.start();
  }

  @AfterAll
  static void stop() {
    dovecot.close();
  }

  @Override
  public MailboxSession newMailbox() throws Exception {
    user = "contract-" + UUID.randomUUID() + "@mailroom.local";
    dovecot.addUser(user, "pw");
    MailboxAccess.Endpoint imap =
        new MailboxAccess.Endpoint(dovecot.host(), dovecot.imapPort(), "none");
    return new ImapProvider(Duration.ofSeconds(10))
        .open(new PasswordAccess(user, user, "pw", imap, imap));
  }

  @Override
  public void deliver(String rawMime) {
    dovecot.deliver(user, "INBOX", rawMime.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void onlyTheChangedMessagesAreListedWithFlags() throws Exception {
    try (MailboxSession session = newMailbox()) {
      for (int i = 0; i < 50; i++) {
        deliver(MailboxSessionContract.message("bulk-" + i + "@x", "bulk " + i));
      }
      FolderStatus inbox =
          session.folders().stream()
              .filter(f -> "inbox".equals(f.role()))
              .findFirst()
              .orElseThrow();
      assertThat(inbox.highestModSeq()).isPositive();
      long uid = session.contents("INBOX").messages().lastKey();

      session.setKeywords(
          "INBOX", inbox.uidValidity(), uid, java.util.List.of("urgent"), java.util.List.of());
      FolderChanges changes = session.changesSince("INBOX", inbox.highestModSeq());

      assertThat(changes.onlyChanged()).isTrue();
      assertThat(changes.uids()).hasSize(50);
      assertThat(changes.flags()).containsOnlyKeys(uid);
      assertThat(changes.flags().get(uid).keywords()).contains("urgent");
    }
  }
}
