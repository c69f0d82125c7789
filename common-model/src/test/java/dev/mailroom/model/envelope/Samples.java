package dev.mailroom.model.envelope;

import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.command.RecordDeliveryOutcome;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.event.EndpointDisabled;
import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MailboxSyncFailed;
import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.event.MessageComplained;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageDelivered;
import dev.mailroom.model.event.MessageFailed;
import dev.mailroom.model.event.MessageReceived;
import dev.mailroom.model.event.MessageRejected;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One fixed, fully populated sample per payload type: the source of the golden fixtures. */
final class Samples {
  static final Instant T0 = Instant.parse("2026-02-07T14:30:00Z");
  static final Instant T1 = Instant.parse("2026-02-07T14:30:02Z");
  static final String TENANT = "ten_01";
  static final String MAILBOX = "mbx_alice";
  static final String ENDPOINT = "whe_1";

  private Samples() {}

  static Map<PayloadType, Envelope<?>> all() {
    Map<PayloadType, Envelope<?>> samples = new EnumMap<>(PayloadType.class);
    Attachment pdf =
        new Attachment(
            "att_001",
            "report.pdf",
            "application/pdf",
            245760,
            false,
            null,
            "tenants/ten_01/mailboxes/mbx_alice/messages/msg_1/attachments/att_001");
    MessageSnapshot message =
        new MessageSnapshot(
            "msg_1",
            TENANT,
            MAILBOX,
            "thr_1",
            "<msg_1@mailroom.local>",
            "imap:INBOX:1:42",
            new Participant("alice@mailroom.local", "Alice"),
            List.of(new Participant("bob@mailroom.local", "Bob")),
            List.of(),
            List.of(),
            "Q1 Project Update",
            "Hi team, here's the latest update",
            List.of("SENT"),
            List.of(pdf),
            Direction.OUTBOUND,
            MessageStatus.SENT,
            T0,
            T1);
    put(
        samples,
        new SendMessage(
            "cmd_send",
            TENANT,
            MAILBOX,
            "msg_1",
            SendKind.REPLY_ALL,
            "msg_0",
            List.of(new Participant("bob@mailroom.local", "Bob")),
            List.of(Participant.of("carol@example.com")),
            List.of(),
            "Re: Q1 Project Update",
            "Thanks!",
            "<p>Thanks!</p>",
            Importance.HIGH,
            List.of("customer-support"),
            List.of(pdf),
            T0));
    put(
        samples,
        new SyncMailbox(
            "cmd_sync", TENANT, MAILBOX, SyncMode.INCREMENTAL, SyncTrigger.ON_DEMAND, T0));
    put(
        samples,
        new ModifyMessages(
            "cmd_modify",
            TENANT,
            MAILBOX,
            List.of("msg_1"),
            true,
            List.of("IMPORTANT"),
            List.of("UNREAD"),
            T0));
    put(samples, new DeleteMessage("cmd_delete", TENANT, MAILBOX, "msg_1", T0));
    put(
        samples,
        new RecordDeliveryOutcome(
            "cmd_ses_bounce",
            TENANT,
            MAILBOX,
            "010001234567abcd-0123abcd-4567-89ab-cdef-0123456789ab-000000",
            "msg_1@mailroom.local",
            RecordDeliveryOutcome.Outcome.BOUNCED,
            List.of("nobody@example.com"),
            true,
            "smtp; 550 5.1.1 user unknown",
            T1));
    put(
        samples,
        new ReceiveMessage(
            "cmd_receive",
            TENANT,
            MAILBOX,
            "tenants/ten_01/mailboxes/mbx_alice/inbound/cmd_receive",
            "bob@example.com",
            "alice@mail.example.com",
            T0));
    put(samples, new MessageSent(TENANT, MAILBOX, "cmd_send", message));
    put(
        samples,
        new MessageFailed(
            TENANT, MAILBOX, "cmd_send", "msg_1", "permanent", "550 mailbox unavailable", T1));
    put(
        samples,
        new MessageBounced(
            TENANT,
            MAILBOX,
            "msg_1",
            List.of("nobody@example.com"),
            "hard",
            "550 5.1.1 <nobody@example.com> User unknown",
            T1));
    put(samples, new MessageDelivered(TENANT, MAILBOX, "msg_1", List.of("bob@example.com"), T1));
    put(
        samples,
        new MessageComplained(TENANT, MAILBOX, "msg_1", List.of("bob@example.com"), "abuse", T1));
    put(
        samples,
        new MessageRejected(TENANT, MAILBOX, "msg_1", "Bad content: a virus was found", T1));
    put(samples, new MessageReceived(TENANT, MAILBOX, message));
    put(samples, new MessageUpdated(TENANT, MAILBOX, "msg_1", true, List.of("INBOX"), T1));
    put(samples, new MessageDeleted(TENANT, MAILBOX, "msg_1", true, T1));
    put(
        samples,
        new MailboxSyncCompleted(
            TENANT, MAILBOX, "cmd_sync", SyncMode.INCREMENTAL, 3, 120, 2, 1, 0, T0, T1));
    put(
        samples,
        new MailboxSyncFailed(
            TENANT,
            MAILBOX,
            "IMAP connect: connection timed out",
            T1,
            T1.plus(java.time.Duration.ofMinutes(1))));
    put(
        samples,
        new MailboxReauthRequired(TENANT, MAILBOX, "IMAP connect: authentication refused", T1));
    put(
        samples,
        new EndpointDisabled(
            TENANT,
            ENDPOINT,
            "https://hooks.example.com/mailroom",
            "failing continuously since 2026-02-02T14:30:00Z",
            T0.minus(java.time.Duration.ofDays(5)),
            T1));
    return samples;
  }

  private static void put(Map<PayloadType, Envelope<?>> samples, Payload payload) {
    Envelope<Payload> envelope = Envelope.wrap(payload, "/mailroom/test", T0, "corr_1");
    // Event ids are random; pin them so the fixture is stable.
    if (!(payload instanceof Command)) {
      envelope =
          new Envelope<>(
              envelope.specversion(),
              "evt_" + PayloadType.of(payload.getClass()).name().toLowerCase(),
              envelope.type(),
              envelope.source(),
              envelope.subject(),
              envelope.time(),
              envelope.datacontenttype(),
              envelope.tenantid(),
              envelope.correlationid(),
              envelope.data());
    }
    samples.put(PayloadType.of(payload.getClass()), envelope);
  }
}
