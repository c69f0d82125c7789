package dev.mailroom.gateway.mail.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.gateway.mail.MailException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UNREAD as read state, and what each change needs permission for. */
class ReadChangeTest {

  @Test
  void removingUnreadMarksReadWithoutTouchingLabels() {
    ReadChange change = ReadChange.of(null, null, List.of("unread"));

    assertThat(change.markAsRead()).isTrue();
    assertThat(change.changesReadState()).isTrue();
    assertThat(change.changesLabels()).isFalse();
    assertThat(change.remove()).as("a stored literal UNREAD goes too").containsExactly("UNREAD");
  }

  @Test
  void addingUnreadMarksUnreadAndLabelsAreKeptOnceEach() {
    ReadChange change = ReadChange.of(null, List.of("UNREAD", "work", "work"), null);

    assertThat(change.markAsRead()).isFalse();
    assertThat(change.add()).containsExactly("work");
    assertThat(change.changesLabels()).isTrue();
  }

  @Test
  void contradictionsAndBadLabelsAreInvalidInputOnTheirFields() {
    ReadChange both = ReadChange.of(null, List.of("UNREAD"), List.of("UNREAD"));
    assertThatThrownBy(() -> both.problems().orThrow())
        .isInstanceOfSatisfying(
            MailException.InvalidInput.class,
            e -> assertThat(e.problems().get(0).field()).isEqualTo("addLabels"));

    ReadChange contradicting = ReadChange.of(false, null, List.of("UNREAD"));
    assertThatThrownBy(() -> contradicting.problems().orThrow())
        .isInstanceOfSatisfying(
            MailException.InvalidInput.class,
            e -> assertThat(e.problems().get(0).field()).isEqualTo("markAsRead"));

    ReadChange systemFlag = ReadChange.of(null, List.of("\\Deleted"), null);
    assertThatThrownBy(() -> systemFlag.problems().orThrow())
        .isInstanceOfSatisfying(
            MailException.InvalidInput.class,
            e -> assertThat(e.problems().get(0).field()).isEqualTo("addLabels[0]"));
  }
}
