package dev.mailroom.provider.contract;

import static dev.mailroom.provider.contract.ProviderFixture.addedTo;
import static dev.mailroom.provider.contract.ProviderFixture.allChanges;
import static dev.mailroom.provider.contract.ProviderFixture.message;
import static dev.mailroom.provider.contract.ProviderFixture.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedBatch;
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
      assertThat(new String(fetched.get(0).raw().bytes(), StandardCharsets.UTF_8))
          .contains("Subject: fetched")
          .contains("body of fetched");
      assertThat(fetched.get(0).receivedAt()).isNotNull();
      assertThat(fetched.get(0).flags().seen()).isFalse();
      assertThat(session.fetch(List.of(ref)).get(0).flags().seen()).as("still unread").isFalse();
    }
  }

  @Test
  default void aLargeMessageIsFetchedWholeAndByteForByte() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      // Above any in-memory threshold an adapter may have: the bytes must survive spooling.
      String line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n";
      String body = line.repeat(3 * 1024 * 1024 / line.length());
      deliver(message("large@x", "large").replace("body of large", body));
      ProviderRef ref = addedTo(allChanges(session, SyncCursor.BEGINNING), "inbox").get(0).ref();

      try (FetchedMessage fetched = session.fetch(List.of(ref)).get(0)) {
        byte[] raw = fetched.raw().bytes();
        assertThat(fetched.raw().size()).isEqualTo(raw.length).isGreaterThan(3_000_000);
        String text = new String(raw, StandardCharsets.US_ASCII);
        assertThat(text).contains("Subject: large");
        assertThat(text.indexOf(body)).as("the body arrives unbroken").isPositive();
      }
    }
  }

  @Test
  default void aFetchBoundedByBytesDefersTheRestInOrder() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      String kilobytes = "x".repeat(100) + "\r\n";
      for (int i = 1; i <= 4; i++) {
        deliver(message("b" + i + "@x", "bounded " + i).replace("body of", kilobytes.repeat(100)));
      }
      List<ProviderRef> refs =
          addedTo(allChanges(session, SyncCursor.BEGINNING), "inbox").stream()
              .map(ChangePage.Added::ref)
              .toList();
      assertThat(refs).hasSize(4);

      FetchedBatch first = session.fetch(refs, 25_000);
      FetchedBatch one = session.fetch(refs, 1);

      assertThat(first.messages())
          .extracting(FetchedMessage::ref)
          .containsExactlyElementsOf(refs.subList(0, 2));
      assertThat(first.deferred()).containsExactlyElementsOf(refs.subList(2, 4));
      assertThat(one.messages()).as("at least one, whatever its size").hasSize(1);
      assertThat(one.deferred()).containsExactlyElementsOf(refs.subList(1, 4));
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
