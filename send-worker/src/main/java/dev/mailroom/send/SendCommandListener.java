package dev.mailroom.send;

import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.envelope.UnsupportedCommandException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** One record at a time, keyed by mailbox, so one mailbox's sends go out in order. */
@Component
class SendCommandListener {
  private final EnvelopeCodec codec;
  private final SendService sends;

  SendCommandListener(EnvelopeCodec codec, SendService sends) {
    this.codec = codec;
    this.sends = sends;
  }

  @KafkaListener(
      id = "send-worker-send-commands",
      topics = Topics.COMMANDS_SEND,
      groupId = ConsumerGroups.SEND_WORKER,
      concurrency = "${mailroom.send.concurrency:2}")
  void onCommand(ConsumerRecord<String, byte[]> record) {
    Envelope<?> envelope = codec.decode(record.value());
    if (envelope.data() instanceof SendMessage command) {
      sends.send(command, envelope.correlationid());
      return;
    }
    throw new UnsupportedCommandException(envelope.type());
  }
}
