package dev.mailroom.sync;

import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.envelope.UnsupportedCommandException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** One record at a time, so the shared error handler's retries and dead-letter topic apply. */
@Component
class MailboxCommandListener {
  private final EnvelopeCodec codec;
  private final MailboxSyncService sync;
  private final MessageCommandService changes;

  MailboxCommandListener(
      EnvelopeCodec codec, MailboxSyncService sync, MessageCommandService changes) {
    this.codec = codec;
    this.sync = sync;
    this.changes = changes;
  }

  @KafkaListener(
      id = InboxWatchers.LISTENER_ID,
      topics = Topics.COMMANDS_MAILBOX,
      groupId = ConsumerGroups.SYNC_WORKER,
      concurrency = "${mailroom.sync.concurrency:2}")
  void onCommand(ConsumerRecord<String, byte[]> record) {
    Envelope<?> envelope = codec.decode(record.value());
    if (envelope.data() instanceof SyncMailbox command) {
      sync.sync(command, envelope.correlationid());
    } else if (envelope.data() instanceof ModifyMessages command) {
      changes.modify(command, envelope.correlationid());
    } else if (envelope.data() instanceof DeleteMessage command) {
      changes.delete(command, envelope.correlationid());
    } else {
      throw new UnsupportedCommandException(envelope.type());
    }
  }
}
