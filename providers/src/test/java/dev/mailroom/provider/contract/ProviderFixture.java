package dev.mailroom.provider.contract;

import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.PlaceStatus;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.SyncCursor;
import java.util.ArrayList;
import java.util.List;

/**
 * What the provider contracts need from the server behind an adapter: a fresh mailbox, mail put
 * into it as a delivery would, and (where the server can) the events an adapter must cope with.
 * Every contract is written against the SPI alone, so a Gmail or Graph adapter runs it against its
 * emulator by implementing this.
 */
public interface ProviderFixture {

  /** The adapter under test. */
  MailProvider provider();

  /** A new, empty mailbox with an inbox and a trash; the mailbox the other methods act on. */
  MailboxAccess newMailbox() throws Exception;

  /** Delivers a message into the inbox of the mailbox last created. */
  void deliver(String rawMime) throws Exception;

  /** Delivers a message into a place of the user's own, created if needed. */
  void deliverTo(String place, String rawMime) throws Exception;

  /**
   * Makes the provider invalidate every reference under a place, keeping its messages (IMAP: the
   * folder recreated under a new UIDVALIDITY, as a server restore does). False if the server
   * cannot.
   */
  default boolean invalidateReferences(String place) throws Exception {
    return false;
  }

  /** Whether mail submitted to the mailbox's own address arrives in its inbox. */
  default boolean deliversSubmissions() {
    return false;
  }

  /** The access of the mailbox last created, with a secret the provider refuses. */
  MailboxAccess withWrongSecret(MailboxAccess access);

  /** Access to a server that does not answer. */
  MailboxAccess unreachable();

  default boolean can(Capability capability) {
    return provider().capabilities().contains(capability);
  }

  static String message(String id, String subject) {
    return "Message-ID: <"
        + id
        + ">\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: "
        + subject
        + "\r\n\r\nbody of "
        + subject
        + "\r\n";
  }

  /** Every page from {@code cursor} on, as one: what a worker with an endless budget would see. */
  static ChangePage allChanges(MailboxSession session, SyncCursor cursor) throws ProviderException {
    List<PlaceStatus> places = List.of();
    List<ChangePage.Added> added = new ArrayList<>();
    List<ChangePage.Changed> changed = new ArrayList<>();
    List<ChangePage.Removed> removed = new ArrayList<>();
    List<String> retired = new ArrayList<>();
    ChangePage page;
    do {
      page = session.changes(cursor, 1_000);
      places = page.places();
      added.addAll(page.added());
      changed.addAll(page.changed());
      removed.addAll(page.removed());
      retired.addAll(page.retired());
      cursor = page.next();
    } while (page.more());
    return new ChangePage(places, added, changed, removed, retired, cursor, false);
  }

  static PlaceStatus place(ChangePage page, String role) {
    return page.places().stream()
        .filter(p -> role.equals(p.place().role()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + role + " in " + page.places()));
  }

  static List<ChangePage.Added> addedTo(ChangePage page, String role) {
    return page.added().stream().filter(a -> role.equals(a.place().role())).toList();
  }
}
