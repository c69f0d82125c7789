package dev.mailroom.model.event;

/**
 * An event about a stored message that carries only its id, not the message: whoever describes it
 * to a subscriber reads the message as it is stored now.
 */
public sealed interface NamesMessage
    permits MessageUpdated,
        MessageDeleted,
        MessageFailed,
        MessageBounced,
        MessageDelivered,
        MessageComplained,
        MessageRejected {
  String messageId();
}
