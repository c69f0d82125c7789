package dev.mailroom.provider.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every provider adapter's session must do, written once and run against each adapter (IMAP
 * now; Gmail and Graph emulators implement the same interface).
 */
public interface MailboxSessionContract {

  /** A fresh, empty mailbox with an INBOX and a Trash folder. */
  MailboxSession newMailbox() throws Exception;

  /** Delivers a message into the INBOX of the mailbox last created. */
  void deliver(String rawMime) throws Exception;

  static String message(String id, String subject) {
    return "Message-ID: <"
        + id
        + ">\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: "
        + subject
        + "\r\n\r\nbody of "
        + subject
        + "\r\n";
  }

  private static FolderStatus inbox(MailboxSession session) throws ProviderException {
    return session.folders().stream()
        .filter(f -> "inbox".equals(f.role()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  default void listsFolderContentsWithFlagsInUidOrder() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(message("c1@x", "one"));
      deliver(message("c2@x", "two"));
      FolderContents contents = session.contents(inbox(session).name());
      assertThat(contents.messages()).hasSize(2);
      assertThat(contents.uidValidity()).isEqualTo(inbox(session).uidValidity());
      assertThat(contents.messages().values()).allMatch(flags -> !flags.seen());
      assertThat(contents.messages().firstKey()).isLessThan(contents.messages().lastKey());
    }
  }

  @Test
  default void fetchReturnsRawBytesAndDoesNotMarkRead() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(message("f1@x", "fetched"));
      FolderStatus inbox = inbox(session);
      long uid = session.contents(inbox.name()).messages().firstKey();
      List<FetchedMessage> fetched =
          session.fetch(inbox.name(), inbox.uidValidity(), List.of(uid, uid + 1000));
      assertThat(fetched).hasSize(1);
      assertThat(new String(fetched.get(0).raw(), StandardCharsets.UTF_8))
          .contains("Subject: fetched")
          .contains("body of fetched");
      assertThat(fetched.get(0).receivedAt()).isNotNull();
      assertThat(session.contents(inbox.name()).messages().get(uid).seen()).isFalse();
    }
  }

  @Test
  default void readStateAndKeywordsChangeAtTheProvider() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(message("k1@x", "flags"));
      FolderStatus inbox = inbox(session);
      long uid = session.contents(inbox.name()).messages().firstKey();
      session.setSeen(inbox.name(), inbox.uidValidity(), uid, true);
      session.setKeywords(inbox.name(), inbox.uidValidity(), uid, List.of("customer"), List.of());
      MessageFlags flags = session.contents(inbox.name()).messages().get(uid);
      assertThat(flags.seen()).isTrue();
      assertThat(flags.keywords()).contains("customer");
      session.setKeywords(inbox.name(), inbox.uidValidity(), uid, List.of(), List.of("customer"));
      assertThat(session.contents(inbox.name()).messages().get(uid).keywords())
          .doesNotContain("customer");
    }
  }

  @Test
  default void deleteMovesToTrash() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(message("d1@x", "doomed"));
      FolderStatus inbox = inbox(session);
      long uid = session.contents(inbox.name()).messages().firstKey();
      Optional<MessageLocation> moved = session.moveToTrash(inbox.name(), inbox.uidValidity(), uid);
      assertThat(session.contents(inbox.name()).messages()).isEmpty();
      FolderStatus trash =
          session.folders().stream()
              .filter(f -> "trash".equals(f.role()))
              .findFirst()
              .orElseThrow();
      assertThat(session.contents(trash.name()).messages()).hasSize(1);
      // Where it went, so that the stored record can follow it instead of being added again.
      assertThat(moved)
          .contains(
              new MessageLocation(
                  trash.name(),
                  trash.uidValidity(),
                  session.contents(trash.name()).messages().firstKey()));
      assertThat(session.moveToTrash(trash.name(), trash.uidValidity(), moved.get().uid()))
          .as("already in Trash: left there")
          .isEqualTo(moved);
      assertThat(session.contents(trash.name()).messages()).hasSize(1);
    }
  }

  @Test
  default void aStaleUidValidityIsNotFound() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(message("s1@x", "stale"));
      FolderStatus inbox = inbox(session);
      assertThatThrownBy(() -> session.fetch(inbox.name(), inbox.uidValidity() + 1, List.of(1L)))
          .isInstanceOf(ProviderException.NotFound.class);
    }
  }

  @Test
  default void aCopyAppendedToSentIsFoundByMessageId() throws Exception {
    try (MailboxSession session = newMailbox()) {
      assertThat(session.sentContains("sent-1@x")).isFalse();
      session.appendToSent(message("sent-1@x", "kept").getBytes(StandardCharsets.UTF_8));
      assertThat(session.sentContains("sent-1@x")).isTrue();
      assertThat(session.sentContains("sent-2@x")).isFalse();
      assertThat(session.folders()).anyMatch(f -> "sent".equals(f.role()) && f.messages() == 1);
    }
  }

  @Test
  default void changesSinceListsEveryUidAndTheFlagsThatChanged() throws Exception {
    try (MailboxSession session = newMailbox()) {
      deliver(message("m1@x", "one"));
      deliver(message("m2@x", "two"));
      deliver(message("m3@x", "three"));
      FolderStatus inbox = inbox(session);
      List<Long> uids = List.copyOf(session.contents(inbox.name()).messages().keySet());

      session.setSeen(inbox.name(), inbox.uidValidity(), uids.get(1), true);
      session.moveToTrash(inbox.name(), inbox.uidValidity(), uids.get(0));
      FolderChanges changes = session.changesSince(inbox.name(), inbox.highestModSeq());

      assertThat(changes.uidValidity()).isEqualTo(inbox.uidValidity());
      assertThat(changes.uids()).containsExactly(uids.get(1), uids.get(2));
      assertThat(changes.flags().get(uids.get(1)).seen()).isTrue();
      if (changes.onlyChanged()) {
        assertThat(changes.flags()).containsOnlyKeys(uids.get(1));
      } else {
        assertThat(changes.flags()).containsOnlyKeys(uids.get(1), uids.get(2));
      }
    }
  }
}
