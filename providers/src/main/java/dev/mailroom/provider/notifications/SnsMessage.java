package dev.mailroom.provider.notifications;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A message Amazon SNS POSTs to an HTTP(S) subscriber, with the fields its documentation lists.
 * Parsing one proves nothing about where it came from: only {@link SnsMessageVerifier} does.
 *
 * @param subject null when the publisher gave none (notifications only)
 * @param token null for notifications
 * @param subscribeUrl null for notifications
 * @param unsubscribeUrl null for confirmations
 * @param timestamp {@code timestampText} read as an instant
 * @param timestampText the {@code Timestamp} field exactly as sent: the signature covers this text,
 *     not the instant it names
 */
public record SnsMessage(
    String type,
    String messageId,
    String token,
    String topicArn,
    String subject,
    String message,
    String subscribeUrl,
    String unsubscribeUrl,
    Instant timestamp,
    String timestampText,
    String signatureVersion,
    String signature,
    String signingCertUrl) {

  public static final String NOTIFICATION = "Notification";
  public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
  public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

  // A duplicated field could make the reader and the signature see different values.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * Reads the JSON body of an SNS POST. Fields SNS may add later are ignored; every field named
   * here must be a string.
   *
   * @throws SnsMessageRefused when the body is not a JSON object, a field has the wrong type, a
   *     field the message's type needs is missing, or the timestamp cannot be read
   */
  public static SnsMessage parse(byte[] json) {
    if (json == null || json.length == 0) {
      throw new SnsMessageRefused("the body is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new SnsMessageRefused("the body is not valid JSON" + where(e.getLocation()));
    }
    if (root == null || !root.isObject()) {
      throw new SnsMessageRefused("the body is not a JSON object");
    }
    String type = required(root, "Type");
    boolean confirmation =
        SUBSCRIPTION_CONFIRMATION.equals(type) || UNSUBSCRIBE_CONFIRMATION.equals(type);
    String timestampText = required(root, "Timestamp");
    Instant timestamp;
    try {
      timestamp = Instant.parse(timestampText);
    } catch (DateTimeParseException e) {
      throw new SnsMessageRefused(
          "Timestamp " + SnsMessageRefused.brief(timestampText) + " is not an ISO-8601 instant");
    }
    return new SnsMessage(
        type,
        required(root, "MessageId"),
        confirmation ? required(root, "Token") : optional(root, "Token"),
        required(root, "TopicArn"),
        optional(root, "Subject"),
        required(root, "Message"),
        confirmation ? required(root, "SubscribeURL") : optional(root, "SubscribeURL"),
        optional(root, "UnsubscribeURL"),
        timestamp,
        timestampText,
        required(root, "SignatureVersion"),
        required(root, "Signature"),
        required(root, "SigningCertURL"));
  }

  public boolean isNotification() {
    return NOTIFICATION.equals(type);
  }

  public boolean isSubscriptionConfirmation() {
    return SUBSCRIPTION_CONFIRMATION.equals(type);
  }

  public boolean isUnsubscribeConfirmation() {
    return UNSUBSCRIBE_CONFIRMATION.equals(type);
  }

  /**
   * The text SNS signed: for a notification {@code Message}, {@code MessageId}, {@code Subject}
   * (when present), {@code Timestamp}, {@code TopicArn} and {@code Type}; for a confirmation {@code
   * Message}, {@code MessageId}, {@code SubscribeURL}, {@code Timestamp}, {@code Token}, {@code
   * TopicArn} and {@code Type}; each as its name, a newline, its value and a newline.
   */
  String stringToSign() {
    StringBuilder text = new StringBuilder();
    append(text, "Message", message);
    append(text, "MessageId", messageId);
    if (isNotification()) {
      if (subject != null) {
        append(text, "Subject", subject);
      }
      append(text, "Timestamp", timestampText);
    } else {
      append(text, "SubscribeURL", subscribeUrl);
      append(text, "Timestamp", timestampText);
      append(text, "Token", token);
    }
    append(text, "TopicArn", topicArn);
    append(text, "Type", type);
    return text.toString();
  }

  /** Names the message without its content, which may be large or personal. */
  @Override
  public String toString() {
    return "SnsMessage[" + type + " " + messageId + " on " + topicArn + "]";
  }

  private static void append(StringBuilder text, String name, String value) {
    text.append(name).append('\n').append(value).append('\n');
  }

  private static String required(JsonNode root, String name) {
    String value = optional(root, name);
    if (value == null || value.isEmpty()) {
      throw new SnsMessageRefused("the " + name + " field is missing");
    }
    return value;
  }

  private static String optional(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw new SnsMessageRefused("the " + name + " field is not a string");
    }
    return node.stringValue();
  }

  private static String where(TokenStreamLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
