package dev.mailroom.gateway.mail.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.OutboundDraft;
import dev.mailroom.gateway.mail.send.OutgoingMail.Content;
import dev.mailroom.gateway.mail.send.OutgoingMail.Recipients;
import dev.mailroom.gateway.mail.send.OutgoingMail.SenderChoice;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.message.StoredMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sending rules on their own: no HTTP, no store. */
class AnswerRulesTest {
  private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");
  private static final MailboxIdentity SELF = mailbox("mbx_1", 1, "me@example.com", false);

  @Test
  void aReplyGoesToTheSenderOnly() {
    StoredMessage original =
        inbound(
            "alice@example.com",
            List.of("me@example.com", "bob@example.com"),
            List.of("carol@example.com"));

    assertThat(emails(AnswerRules.replyRecipients(original, SELF, false, true)))
        .containsExactly("alice@example.com");
  }

  @Test
  void replyAllCopiesToAndCcButNeverTheSendingMailboxNorAnyoneTwice() {
    StoredMessage original =
        inbound(
            "alice@example.com",
            List.of("ME@example.com", "bob@example.com", "alice@example.com"),
            List.of("carol@example.com", "Bob@Example.com", "me@example.com"));

    assertThat(emails(AnswerRules.replyRecipients(original, SELF, true, true)))
        .containsExactly("alice@example.com", "bob@example.com");
    assertThat(emails(AnswerRules.replyRecipients(original, SELF, true, false)))
        .as("Cc leaves out whoever is already in To, and the mailbox itself")
        .containsExactly("carol@example.com");
  }

  @Test
  void aReplyToOurOwnSentMailGoesToItsRecipients() {
    StoredMessage sent =
        message(
            Direction.OUTBOUND,
            "me@example.com",
            List.of("dave@example.com"),
            List.of("erin@example.com"));

    assertThat(emails(AnswerRules.replyRecipients(sent, SELF, false, true)))
        .containsExactly("dave@example.com");
    assertThat(emails(AnswerRules.replyRecipients(sent, SELF, true, false)))
        .containsExactly("erin@example.com");
  }

  @Test
  void prefixesAreAddedOnceWhateverTheCase() {
    assertThat(AnswerRules.replySubject("Lunch")).isEqualTo("Re: Lunch");
    assertThat(AnswerRules.replySubject("  RE: Lunch ")).isEqualTo("RE: Lunch");
    assertThat(AnswerRules.replySubject(null)).isEqualTo("Re: ");
    assertThat(AnswerRules.forwardSubject("Lunch")).isEqualTo("Fwd: Lunch");
    assertThat(AnswerRules.forwardSubject("FW: Lunch")).isEqualTo("FW: Lunch");
    assertThat(AnswerRules.forwardSubject("fwd: Lunch")).isEqualTo("fwd: Lunch");
    assertThat(AnswerRules.forwardSubject("Re: Lunch")).isEqualTo("Fwd: Re: Lunch");
  }

  @Test
  void theSenderIsTheConnectionThenTheAddressThenTheDefaultThenTheFirst() {
    MailboxIdentity first = mailbox("mbx_a", 1, "a@example.com", false);
    MailboxIdentity byDefault = mailbox("mbx_b", 2, "b@example.com", true);
    MailboxIdentity third = mailbox("mbx_c", 3, "c@example.com", false);
    List<MailboxIdentity> sendable = List.of(first, byDefault, third);

    assertThat(AnswerRules.chooseSender(sendable, mail(" C@Example.com ", 1L))).isEqualTo(first);
    assertThat(AnswerRules.chooseSender(sendable, mail(" C@Example.com ", null))).isEqualTo(third);
    assertThat(AnswerRules.chooseSender(sendable, mail(null, null))).isEqualTo(byDefault);
    assertThat(AnswerRules.chooseSender(List.of(first, third), mail(null, null))).isEqualTo(first);
  }

  @Test
  void anUnknownSenderIsInvalidInputOnItsField() {
    List<MailboxIdentity> sendable = List.of(SELF);

    assertThatThrownBy(() -> AnswerRules.chooseSender(sendable, mail(null, 9L)))
        .isInstanceOfSatisfying(
            MailException.InvalidInput.class,
            e -> assertThat(e.problems().get(0).field()).isEqualTo("connectionId"));
    assertThatThrownBy(() -> AnswerRules.chooseSender(sendable, mail("x@example.com", null)))
        .isInstanceOfSatisfying(
            MailException.InvalidInput.class,
            e -> assertThat(e.problems().get(0).field()).isEqualTo("sendFrom"));
  }

  @Test
  void anAnswerNeedsTheOriginalsMailboxToBeSendable() {
    StoredMessage original = inbound("alice@example.com", List.of(), List.of());

    assertThat(AnswerRules.answeringMailbox(original, List.of(SELF))).isEqualTo(SELF);
    assertThatThrownBy(
            () ->
                AnswerRules.answeringMailbox(
                    original, List.of(mailbox("mbx_2", 2, "other@example.com", true))))
        .isInstanceOf(MailException.NoUsableMailbox.class);
  }

  @Test
  void theBodyTypeDecidesTextOrHtmlAndAnEmptyHtmlNoteStaysHtml() {
    OutboundDraft text = draft("hello", "text");
    assertThat(text.textBody()).isEqualTo("hello");
    assertThat(text.htmlBody()).isNull();

    OutboundDraft html = draft("<p>hello</p>", null);
    assertThat(html.htmlBody()).isEqualTo("<p>hello</p>");
    assertThat(html.textBody()).isNull();

    OutboundDraft noteless = draft(null, "html");
    assertThat(noteless.htmlBody()).isEmpty();
    OutboundDraft nothing = draft(null, null);
    assertThat(nothing.htmlBody()).isNull();
    assertThat(nothing.importance()).isEqualTo(Importance.NORMAL);
  }

  @Test
  void headerInjectionFromTheOriginalIsRefusedAsTheOriginalsFault() {
    OutboundDraft draft =
        AnswerRules.draft(
            new Recipients(List.of(Participant.of("alice@example.com")), null, null),
            "Re: hi\r\nBcc: evil@example.com",
            new Content("x", "text"),
            null,
            List.of());

    assertThatThrownBy(() -> AnswerRules.checkTakenFromOriginal(draft))
        .isInstanceOfSatisfying(
            MailException.InvalidInput.class,
            e -> {
              assertThat(e.fromOriginal()).isTrue();
              assertThat(e.problems().get(0).field()).isEqualTo("original.subject");
            });
  }

  @Test
  void aForwardCarriesOnlyTopLevelAttachments() {
    List<Attachment> attachments =
        List.of(attachment("att_1"), attachment("att_2"), attachment("att_2_1"));

    assertThat(AnswerRules.topLevel(attachments))
        .extracting(Attachment::id)
        .containsExactly("att_1", "att_2");
  }

  private static OutboundDraft draft(String body, String bodyType) {
    return AnswerRules.draft(
        new Recipients(List.of(Participant.of("a@example.com")), null, null),
        "s",
        new Content(body, bodyType),
        null,
        null);
  }

  private static SenderChoice mail(String sendFrom, Long connectionId) {
    return new SenderChoice(connectionId, sendFrom);
  }

  private static List<String> emails(List<Participant> participants) {
    return participants.stream().map(Participant::email).toList();
  }

  private static Attachment attachment(String id) {
    return new Attachment(id, id + ".pdf", "application/pdf", 10, false, null, null);
  }

  private static MailboxIdentity mailbox(
      String id, long connectionId, String address, boolean isDefault) {
    return new MailboxIdentity(
        id,
        "ten_1",
        connectionId,
        ProviderKind.IMAP,
        address,
        null,
        true,
        true,
        isDefault,
        MailboxStatus.ACTIVE,
        NOW);
  }

  private static StoredMessage inbound(String from, List<String> to, List<String> cc) {
    return message(Direction.INBOUND, from, to, cc);
  }

  private static StoredMessage message(
      Direction direction, String from, List<String> to, List<String> cc) {
    return new StoredMessage(
        "msg_1",
        "ten_1",
        SELF.id(),
        ProviderKind.IMAP,
        "INBOX:1",
        "thr_1",
        "msg_1@example.com",
        null,
        List.of(),
        "Lunch",
        null,
        Participant.of(from),
        to.stream().map(Participant::of).toList(),
        cc.stream().map(Participant::of).toList(),
        List.of(),
        from,
        to,
        List.of(),
        null,
        null,
        null,
        null,
        NOW,
        NOW,
        false,
        List.of("INBOX"),
        Importance.NORMAL,
        false,
        List.of(),
        direction,
        direction == Direction.INBOUND ? MessageStatus.RECEIVED : MessageStatus.SENT,
        null,
        List.of(),
        NOW,
        NOW,
        null,
        null);
  }
}
