package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.mail.DovecotServer;
import dev.mailroom.infra.mail.DovecotSmtpFront;
import dev.mailroom.provider.contract.ProviderFixture;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The provider contract against Dovecot, a full IMAP server with CONDSTORE, so the adapter's
 * modification-sequence path is held to the same contract as the full-listing one.
 */
@EnabledIf("dev.mailroom.infra.mail.DovecotServer#available")
class DovecotProviderTest extends ImapServerFixture {
  private static DovecotServer dovecot;
  // Debian's Dovecot has no SMTP side; this front delivers to its users, as an MTA would.
  private static DovecotSmtpFront smtp;

  @BeforeAll
  static void start() {
    dovecot = DovecotServer.start();
    smtp = DovecotSmtpFront.start(dovecot);
  }

  @AfterAll
  static void stop() {
    smtp.close();
    dovecot.close();
  }

  @Override
  String host() {
    return dovecot.host();
  }

  @Override
  int imapPort() {
    return dovecot.imapPort();
  }

  @Override
  int smtpPort() {
    return smtp.port();
  }

  @Override
  public boolean deliversSubmissions() {
    return true;
  }

  @Override
  void addUser(String address, String password) {
    dovecot.addUser(address, password);
  }

  @Override
  public void deliver(String rawMime) {
    dovecot.deliver(user, "INBOX", rawMime.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void onlyTheChangedMessagesAreListedWithFlags() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      for (int i = 0; i < 50; i++) {
        deliver(ProviderFixture.message("bulk-" + i + "@x", "bulk " + i));
      }
      ChangePage first = ProviderFixture.allChanges(session, SyncCursor.BEGINNING);
      assertThat(ProviderFixture.place(first, "inbox").modSequence()).isPositive();
      List<ChangePage.Added> inbox = ProviderFixture.addedTo(first, "inbox");
      ProviderRef last = inbox.get(inbox.size() - 1).ref();

      session.setLabels(last, List.of("urgent"), List.of());
      ChangePage page = ProviderFixture.allChanges(session, first.next());

      assertThat(page.changed()).extracting(ChangePage.Changed::ref).containsExactly(last);
      assertThat(page.changed().get(0).flags().keywords()).contains("urgent");
      assertThat(ProviderFixture.place(page, "inbox").messages()).isEqualTo(50);
    }
  }

  /** HIGHESTMODSEQ, UIDNEXT and count as the cursor has them: no listing at all. */
  @Test
  void anUnchangedFolderIsNotListedAgain() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(ProviderFixture.message("u1@x", "one"));
      SyncCursor cursor = ProviderFixture.allChanges(session, SyncCursor.BEGINNING).next();

      ChangePage page = session.changes(cursor, 100);

      assertThat(page.next()).isEqualTo(cursor);
      assertThat(page.added()).isEmpty();
      assertThat(page.changed()).as("not even the unchanged flags").isEmpty();
    }
  }

  @Test
  void aStaleUidValidityIsNotFound() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(ProviderFixture.message("s1@x", "stale"));
      ChangePage first = ProviderFixture.allChanges(session, SyncCursor.BEGINNING);
      ImapRef ref = ImapRef.of(ProviderFixture.addedTo(first, "inbox").get(0).ref());
      ProviderRef stale = new ImapRef(ref.folder(), ref.uidValidity() + 1, ref.uid()).ref();
      assertThatThrownBy(() -> session.fetch(List.of(stale)))
          .isInstanceOf(ProviderException.NotFound.class);
      assertThatThrownBy(() -> session.setSeen(stale, true))
          .isInstanceOf(ProviderException.NotFound.class);
    }
  }
}
