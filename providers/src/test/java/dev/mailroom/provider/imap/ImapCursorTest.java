package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.provider.spi.SyncCursor;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ImapCursorTest {

  @Test
  void uidsAreKeptAsRunsAndReadBackExactly() {
    TreeSet<Long> uids = new TreeSet<>();
    for (long uid = 1; uid <= 5000; uid++) {
      uids.add(uid);
    }
    uids.remove(17L);
    uids.add(9000L);
    String set = UidSet.format(uids);
    assertThat(set).isEqualTo("1:16,18:5000,9000");
    assertThat(UidSet.parse(set)).isEqualTo(uids);
    assertThat(UidSet.parse(UidSet.format(new TreeSet<>()))).isEmpty();
  }

  @Test
  void aCursorReadsBackWhatWasWrittenWhateverTheFolderName() {
    ImapCursor cursor =
        new ImapCursor(
            Map.of(
                "INBOX",
                new ImapCursor.FolderMark(7, 12, 40, 10, 0, "1:11"),
                "Projects: 2024 / Q1 ü",
                new ImapCursor.FolderMark(9, 4, 0, ImapCursor.FolderMark.INCOMPLETE, 8, "")));
    assertThat(ImapCursor.read(cursor.write())).isEqualTo(cursor);
  }

  @Test
  void aCursorOfAnotherVersionOrDamagedReadsAsTheBeginning() {
    assertThat(ImapCursor.read(new SyncCursor("imap0\nINBOX 1 2 3 4 0 1:3")).folders()).isEmpty();
    assertThat(ImapCursor.read(new SyncCursor("imap1\nINBOX 1 two")).folders()).isEmpty();
    assertThat(ImapCursor.read(SyncCursor.BEGINNING).folders()).isEmpty();
  }

  @Test
  void aReferenceNamesFolderValidityAndUidWithColonsInTheFolderName() {
    ImapRef ref = new ImapRef("Work:Clients", 42, 7);
    assertThat(ref.ref().value())
        .isEqualTo("Work:Clients:42:7")
        .startsWith(ImapRef.scope("Work:Clients", 42));
    assertThat(ImapRef.of(ref.ref())).isEqualTo(ref);
    assertThat(ImapRef.of(new ProviderRef("outbox:msg_1"))).isNull();
  }
}
