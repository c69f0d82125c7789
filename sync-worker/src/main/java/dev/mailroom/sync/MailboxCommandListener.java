package dev.mailroom.sync;

import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.command.RecordDeliveryOutcome;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.UnsupportedCommandException;
import java.util.function.Consumer;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * The {@code mailboxCommands} function, bound to the mailbox command topic (sync-worker.yaml): one
 * record at a time, so the binding's retries and dead-letter topic apply to each.
 */
@Component(MailboxCommandListener.FUNCTION)
class MailboxCommandListener implements Consumer<Message<byte[]>> {
  static final String FUNCTION = "mailboxCommands";

  private final EnvelopeCodec codec;
  private final MailboxSyncService sync;
  private final MessageCommandService changes;
  private final ReceivedMessages received;
  private final ReportedDeliveries reported;

  MailboxCommandListener(
      EnvelopeCodec codec,
      MailboxSyncService sync,
      MessageCommandService changes,
      ReceivedMessages received,
      ReportedDeliveries reported) {
    this.codec = codec;
    this.sync = sync;
    this.changes = changes;
    this.received = received;
    this.reported = reported;
  }

  @Override
  public void accept(Message<byte[]> record) {
    Envelope<?> envelope = codec.decode(record.getPayload());
    if (envelope.data() instanceof SyncMailbox command) {
      sync.sync(command, envelope.correlationid());
    } else if (envelope.data() instanceof ModifyMessages command) {
      changes.modify(command, envelope.correlationid());
    } else if (envelope.data() instanceof DeleteMessage command) {
      changes.delete(command, envelope.correlationid());
    } else if (envelope.data() instanceof ReceiveMessage command) {
      received.store(command, envelope.correlationid());
    } else if (envelope.data() instanceof RecordDeliveryOutcome command) {
      reported.record(command, envelope.correlationid());
    } else {
      throw new UnsupportedCommandException(envelope.type());
    }
  }
}
