package dev.mailroom.send;

import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.UnsupportedCommandException;
import java.util.function.Consumer;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * The {@code sendCommands} function, bound to the send command topic (send-worker.yaml): one record
 * at a time, keyed by mailbox, so one mailbox's sends go out in order.
 */
@Component(SendCommandListener.FUNCTION)
class SendCommandListener implements Consumer<Message<byte[]>> {
  static final String FUNCTION = "sendCommands";

  private final EnvelopeCodec codec;
  private final SendService sends;

  SendCommandListener(EnvelopeCodec codec, SendService sends) {
    this.codec = codec;
    this.sends = sends;
  }

  @Override
  public void accept(Message<byte[]> record) {
    Envelope<?> envelope = codec.decode(record.getPayload());
    if (envelope.data() instanceof SendMessage command) {
      sends.send(command, envelope.correlationid());
      return;
    }
    throw new UnsupportedCommandException(envelope.type());
  }
}
