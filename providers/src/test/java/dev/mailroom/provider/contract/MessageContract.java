package dev.mailroom.provider.contract;

import static dev.mailroom.provider.contract.ProviderFixture.addedTo;
import static dev.mailroom.provider.contract.ProviderFixture.allChanges;
import static dev.mailroom.provider.contract.ProviderFixture.message;
import static dev.mailroom.provider.contract.ProviderFixture.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Operations on one message, addressed by the reference the change feed handed out. */
public interface MessageContract extends ProviderFixture {

  @Test
  default void fetchReturnsRawBytesAndDoesNotMarkRead() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("f1@x", "fetched"));
      ChangePage first = allChanges(session, SyncCursor.BEGINNING);
      ProviderRef ref = addedTo(first, "inbox").get(0).ref();

      List<FetchedMessage> fetched = session.fetch(List.of(ref));

      assertThat(fetched).hasSize(1);
      assertThat(fetched.get(0).ref()).isEqualTo(ref);
      assertThat(new String(fetched.get(0).raw(), StandardCharsets.UTF_8))
          .contains("Subject: fetched")
          .contains("body of fetched");
      assertThat(fetched.get(0).receivedAt()).isNotNull();
      assertThat(fetched.get(0).flags().seen()).isFalse();
      assertThat(session.fetch(List.of(ref)).get(0).flags().seen()).as("still unread").isFalse();
    }
  }

  @Test
  default void aMessageThatIsGoneIsLeftOutOfAFetch() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("g1@x", "gone"));
      deliver(message("g2@x", "kept"));
      List<ChangePage.Added> inbox = addedTo(allChanges(session, SyncCursor.BEGINNING), "inbox");
      session.moveToTrash(inbox.get(0).ref());

      List<FetchedMessage> fetched = session.fetch(List.of(inbox.get(0).ref(), inbox.get(1).ref()));

      assertThat(fetched).extracting(FetchedMessage::ref).containsExactly(inbox.get(1).ref());
    }
  }

  @Test
  default void aReferenceTheProviderDidNotHandOutCannotBeActedOn() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      ProviderRef foreign = new ProviderRef("outbox:msg_0123");
      assertThatThrownBy(() -> session.setSeen(foreign, true))
          .isInstanceOf(ProviderException.Permanent.class);
      assertThatThrownBy(() -> session.fetch(List.of(foreign)))
          .isInstanceOf(ProviderException.Permanent.class);
      assertThatThrownBy(() -> session.moveToTrash(foreign))
          .isInstanceOf(ProviderException.Permanent.class);
    }
  }

  @Test
  default void deleteMovesToTrashAndSaysWhereTheMessageNowIs() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("d1@x", "doomed"));
      ChangePage first = allChanges(session, SyncCursor.BEGINNING);
      ProviderRef ref = addedTo(first, "inbox").get(0).ref();

      Optional<ProviderRef> moved = session.moveToTrash(ref);

      ChangePage after = allChanges(session, first.next());
      assertThat(place(after, "inbox").messages()).isZero();
      assertThat(place(after, "trash").messages()).isEqualTo(1);
      // Where it went, so that the stored record can follow it instead of being added again.
      assertThat(moved).contains(addedTo(after, "trash").get(0).ref());
      assertThat(session.moveToTrash(moved.orElseThrow()))
          .as("already in Trash: left there")
          .isEqualTo(moved);
      assertThat(place(allChanges(session, after.next()), "trash").messages()).isEqualTo(1);
    }
  }

  @Test
  default void aCopyAppendedToSentIsFoundByMessageId() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      assertThat(session.findSent("sent-1@x")).isEmpty();
      session.appendToSent(message("sent-1@x", "kept").getBytes(StandardCharsets.UTF_8));

      Optional<ProviderRef> found = session.findSent("sent-1@x");

      assertThat(found).isPresent();
      assertThat(session.findSent("sent-2@x")).isEmpty();
      ChangePage page = allChanges(session, SyncCursor.BEGINNING);
      assertThat(place(page, "sent").messages()).isEqualTo(1);
      assertThat(addedTo(page, "sent"))
          .extracting(ChangePage.Added::ref)
          .containsExactly(found.get());
      FetchedMessage copy = session.fetch(List.of(found.get())).get(0);
      assertThat(copy.flags().seen()).as("a sent copy is read").isTrue();
    }
  }
}
