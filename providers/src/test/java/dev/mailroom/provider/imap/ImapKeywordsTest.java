package dev.mailroom.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImapKeywordsTest {

  @Test
  void onlyLabelsThatAreImapAtomsAndNoFolderBecomeKeywords() {
    assertThat(
            ImapSession.keywordsOf(
                List.of(
                    "customer", "\\Deleted", "INBOX", "STARRED", "UNREAD", "two words", "", "a]b")))
        .containsExactly("customer");
  }
}
