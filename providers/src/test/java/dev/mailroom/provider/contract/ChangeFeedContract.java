package dev.mailroom.provider.contract;

import static dev.mailroom.provider.contract.ProviderFixture.addedTo;
import static dev.mailroom.provider.contract.ProviderFixture.allChanges;
import static dev.mailroom.provider.contract.ProviderFixture.message;
import static dev.mailroom.provider.contract.ProviderFixture.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The change feed: what a worker learns from {@code changes(cursor, budget)}. */
public interface ChangeFeedContract extends ProviderFixture {

  @Test
  default void fromTheBeginningEveryMessageIsAddedAndNoneArrived() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("b1@x", "one"));
      deliver(message("b2@x", "two"));

      ChangePage page = allChanges(session, SyncCursor.BEGINNING);

      List<ChangePage.Added> inbox = addedTo(page, "inbox");
      assertThat(inbox).hasSize(2);
      assertThat(inbox).noneMatch(ChangePage.Added::arrived);
      assertThat(inbox).allMatch(a -> a.ref().value().startsWith(a.place().scope()));
      assertThat(place(page, "inbox").messages()).isEqualTo(2);
      assertThat(place(page, "trash").messages()).isZero();
      assertThat(page.removed()).isEmpty();
      assertThat(page.next().isBeginning()).isFalse();
    }
  }

  @Test
  default void newMailAfterTheCursorIsAddedAsArrivedAndNothingElseRepeats() throws Exception {
    assumeTrue(can(Capability.INCREMENTAL_SYNC));
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("i1@x", "old"));
      SyncCursor cursor = allChanges(session, SyncCursor.BEGINNING).next();

      ChangePage quiet = allChanges(session, cursor);
      assertThat(quiet.added()).isEmpty();
      assertThat(quiet.removed()).isEmpty();

      deliver(message("i2@x", "new"));
      ChangePage page = allChanges(session, quiet.next());
      assertThat(page.added()).hasSize(1);
      assertThat(page.added().get(0).arrived()).isTrue();
      assertThat(page.added().get(0).place().role()).isEqualTo("inbox");
      List<FetchedMessage> fetched = session.fetch(List.of(page.added().get(0).ref()));
      assertThat(new String(fetched.get(0).raw().bytes())).contains("Subject: new");
    }
  }

  @Test
  default void aBudgetPagesTheAdditionsWithoutLosingOrRepeatingAny() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      for (int i = 0; i < 5; i++) {
        deliver(message("p" + i + "@x", "paged " + i));
      }
      Set<ProviderRef> seen = new HashSet<>();
      SyncCursor cursor = SyncCursor.BEGINNING;
      int pages = 0;
      ChangePage page;
      do {
        page = session.changes(cursor, 2);
        assertThat(page.added().size()).isLessThanOrEqualTo(2);
        page.added().forEach(a -> assertThat(seen.add(a.ref())).as("once: " + a.ref()).isTrue());
        cursor = page.next();
        pages++;
      } while (page.more() && pages < 10);
      assertThat(seen).hasSize(5);
      assertThat(pages).isEqualTo(3);
    }
  }

  @Test
  default void aFlagOrLabelChangeIsReportedForTheKnownMessage() throws Exception {
    assumeTrue(can(Capability.FLAG_CHANGE_SYNC));
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("f1@x", "flagged"));
      deliver(message("f2@x", "left alone"));
      ChangePage first = allChanges(session, SyncCursor.BEGINNING);
      ProviderRef ref = addedTo(first, "inbox").get(0).ref();

      session.setSeen(ref, true);
      session.setLabels(ref, List.of("customer"), List.of());
      ChangePage page = allChanges(session, first.next());

      assertThat(page.added()).isEmpty();
      ChangePage.Changed change =
          page.changed().stream().filter(c -> c.ref().equals(ref)).findFirst().orElseThrow();
      assertThat(change.flags().seen()).isTrue();
      assertThat(change.flags().keywords()).contains("customer");
      // A provider may list unchanged messages too; their state must then be the true one.
      assertThat(page.changed())
          .filteredOn(c -> !c.ref().equals(ref))
          .allMatch(c -> !c.flags().seen());

      session.setLabels(ref, List.of(), List.of("customer"));
      ChangePage removedLabel = allChanges(session, page.next());
      assertThat(removedLabel.changed())
          .filteredOn(c -> c.ref().equals(ref))
          .singleElement()
          .satisfies(c -> assertThat(c.flags().keywords()).doesNotContain("customer"));
    }
  }

  @Test
  default void aMessageThatLeavesAPlaceIsRemovedThereAndAddedWhereItWent() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliver(message("r1@x", "moved away"));
      deliver(message("r2@x", "stays"));
      ChangePage first = allChanges(session, SyncCursor.BEGINNING);
      ProviderRef ref = addedTo(first, "inbox").get(0).ref();

      session.moveToTrash(ref);
      ChangePage page = allChanges(session, first.next());

      assertThat(page.removed()).extracting(ChangePage.Removed::ref).containsExactly(ref);
      assertThat(addedTo(page, "trash")).hasSize(1);
      assertThat(addedTo(page, "inbox")).isEmpty();
      assertThat(place(page, "inbox").messages()).isEqualTo(1);
    }
  }

  @Test
  default void invalidatedReferencesAreListedAgainPointingAtTheirFormerScope() throws Exception {
    try (MailboxSession session = provider().open(newMailbox())) {
      deliverTo("Projects", message("v1@x", "one"));
      deliverTo("Projects", message("v2@x", "two"));
      ChangePage first = allChanges(session, SyncCursor.BEGINNING);
      List<ChangePage.Added> before =
          first.added().stream().filter(a -> a.place().name().equals("Projects")).toList();
      assertThat(before).hasSize(2);
      String formerScope = before.get(0).place().scope();
      assumeTrue(invalidateReferences("Projects"), "the server cannot invalidate references");

      ChangePage page = allChanges(session, first.next());

      List<ChangePage.Added> again =
          page.added().stream().filter(a -> a.place().name().equals("Projects")).toList();
      assertThat(again).hasSize(2);
      assertThat(again).allMatch(a -> formerScope.equals(a.formerScope()));
      assertThat(again).noneMatch(ChangePage.Added::arrived);
      assertThat(again.get(0).place().scope()).isNotEqualTo(formerScope);
      assertThat(page.retired()).containsExactly(formerScope);
      assertThat(page.removed()).isEmpty();
      // The old references point nowhere now.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> session.fetch(List.of(before.get(0).ref())))
          .isInstanceOf(ProviderException.NotFound.class);
      assertThat(allChanges(session, page.next()).added()).isEmpty();
    }
  }
}
