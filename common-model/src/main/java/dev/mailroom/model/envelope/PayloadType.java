package dev.mailroom.model.envelope;

import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.command.RecordDeliveryOutcome;
import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.command.SyncMailbox;
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
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The versioned CloudEvents {@code type} of every payload and the topic it travels on. An additive
 * change keeps the version; a breaking change adds a {@code v2} constant beside the {@code v1}.
 */
public enum PayloadType {
  SEND_MESSAGE("mailroom.command.send_message.v1", SendMessage.class, Topics.COMMANDS_SEND),
  SYNC_MAILBOX("mailroom.command.sync_mailbox.v1", SyncMailbox.class, Topics.COMMANDS_MAILBOX),
  MODIFY_MESSAGES(
      "mailroom.command.modify_messages.v1", ModifyMessages.class, Topics.COMMANDS_MAILBOX),
  DELETE_MESSAGE(
      "mailroom.command.delete_message.v1", DeleteMessage.class, Topics.COMMANDS_MAILBOX),
  RECEIVE_MESSAGE(
      "mailroom.command.receive_message.v1", ReceiveMessage.class, Topics.COMMANDS_MAILBOX),
  RECORD_DELIVERY_OUTCOME(
      "mailroom.command.record_delivery_outcome.v1",
      RecordDeliveryOutcome.class,
      Topics.COMMANDS_MAILBOX),
  MESSAGE_SENT("mailroom.message.sent.v1", MessageSent.class, Topics.EVENTS),
  MESSAGE_FAILED("mailroom.message.failed.v1", MessageFailed.class, Topics.EVENTS),
  MESSAGE_BOUNCED("mailroom.message.bounced.v1", MessageBounced.class, Topics.EVENTS),
  MESSAGE_DELIVERED("mailroom.message.delivered.v1", MessageDelivered.class, Topics.EVENTS),
  MESSAGE_COMPLAINED("mailroom.message.complained.v1", MessageComplained.class, Topics.EVENTS),
  MESSAGE_REJECTED("mailroom.message.rejected.v1", MessageRejected.class, Topics.EVENTS),
  MESSAGE_RECEIVED("mailroom.message.received.v1", MessageReceived.class, Topics.EVENTS),
  MESSAGE_UPDATED("mailroom.message.updated.v1", MessageUpdated.class, Topics.EVENTS),
  MESSAGE_DELETED("mailroom.message.deleted.v1", MessageDeleted.class, Topics.EVENTS),
  MAILBOX_SYNC_COMPLETED(
      "mailroom.mailbox.sync_completed.v1", MailboxSyncCompleted.class, Topics.EVENTS),
  MAILBOX_SYNC_FAILED("mailroom.mailbox.sync_failed.v1", MailboxSyncFailed.class, Topics.EVENTS),
  MAILBOX_REAUTH_REQUIRED(
      "mailroom.mailbox.reauth_required.v1", MailboxReauthRequired.class, Topics.EVENTS),
  ENDPOINT_DISABLED("mailroom.endpoint.disabled.v1", EndpointDisabled.class, Topics.EVENTS);

  private static final Map<String, PayloadType> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(PayloadType::typeName, Function.identity()));
  private static final Map<Class<?>, PayloadType> BY_CLASS =
      Arrays.stream(values())
          .collect(Collectors.toMap(PayloadType::payloadClass, Function.identity()));

  private final String typeName;
  private final Class<? extends Payload> payloadClass;
  private final String topic;

  PayloadType(String typeName, Class<? extends Payload> payloadClass, String topic) {
    this.typeName = typeName;
    this.payloadClass = payloadClass;
    this.topic = topic;
  }

  public String typeName() {
    return typeName;
  }

  public Class<? extends Payload> payloadClass() {
    return payloadClass;
  }

  public String topic() {
    return topic;
  }

  public static PayloadType of(Class<?> payloadClass) {
    PayloadType type = BY_CLASS.get(payloadClass);
    if (type == null) {
      throw new IllegalArgumentException("Not a registered payload: " + payloadClass.getName());
    }
    return type;
  }

  public static PayloadType ofTypeName(String typeName) {
    PayloadType type = BY_NAME.get(typeName);
    if (type == null) {
      throw new UnknownPayloadTypeException(typeName);
    }
    return type;
  }
}
