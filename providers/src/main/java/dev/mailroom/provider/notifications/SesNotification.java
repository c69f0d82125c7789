package dev.mailroom.provider.notifications;

import dev.mailroom.model.command.RecordDeliveryOutcome.Outcome;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What SES says in the {@code Message} of an SNS notification, in Mailroom's terms. SES writes two
 * shapes, both read here: identity notifications ({@code notificationType}: Delivery, Bounce,
 * Complaint, Received) and configuration-set event publishing ({@code eventType}: Delivery, Bounce,
 * Complaint, Reject, and others Mailroom has no use for).
 */
public sealed interface SesNotification {

  /**
   * A report about a message sent through SES, which it names by the id SendEmail answered with.
   *
   * @param rfcMessageId the message's own Message-ID, without angle brackets, as SES quotes it
   *     ({@code mail.commonHeaders}); null when it does not
   * @param source the address it was sent from
   * @param recipients the addresses the report is about
   * @param permanent for a bounce, whether it is a hard one ({@code bounceType} Permanent)
   * @param detail SES's or the receiving server's words; may be null
   */
  record Reported(
      Outcome outcome,
      String sesMessageId,
      String rfcMessageId,
      String source,
      List<String> recipients,
      boolean permanent,
      String detail,
      Instant occurredAt)
      implements SesNotification {}

  /**
   * Mail SES received for the hosted domains, with where a receipt rule put it: an S3 object
   * ({@code bucket} and {@code key}), or the notification itself ({@code content}) for an SNS
   * action.
   *
   * @param source the envelope sender ({@code MAIL FROM}), empty for a bounce
   * @param recipients the envelope recipients the receipt rule matched
   */
  record Received(
      String sesMessageId,
      String source,
      List<String> recipients,
      String bucket,
      String key,
      byte[] content,
      Instant receivedAt)
      implements SesNotification {}

  /** Something Mailroom does not record (a send, an open, a delay), with what it was. */
  record Ignored(String what) implements SesNotification {}

  /**
   * Reads a notification's {@code Message}.
   *
   * @throws IllegalArgumentException when it is not SES's JSON or lacks what its type needs
   */
  static SesNotification read(String message) {
    JsonNode root;
    try {
      root = SesJson.MAPPER.readTree(message);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("the notification's Message is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the notification's Message is not a JSON object");
    }
    String type =
        SesJson.text(root, "notificationType")
            .or(() -> SesJson.text(root, "eventType"))
            .orElse(null);
    if (type == null) {
      throw new IllegalArgumentException("the Message names no notificationType or eventType");
    }
    JsonNode mail = root.path("mail");
    String sesMessageId = SesJson.text(mail, "messageId").orElse(null);
    if (sesMessageId == null) {
      throw new IllegalArgumentException(type + " notification without mail.messageId");
    }
    String source = SesJson.address(SesJson.text(mail, "source").orElse(""));
    Instant mailTime =
        SesJson.instant(mail, "timestamp")
            .orElseThrow(
                () -> new IllegalArgumentException(type + " notification without mail.timestamp"));
    String rfcMessageId =
        SesJson.text(mail.path("commonHeaders"), "messageId")
            .map(id -> id.trim().replaceAll("^<|>$", ""))
            .orElse(null);
    switch (type) {
      case "Delivery" -> {
        JsonNode delivery = root.path("delivery");
        return new Reported(
            Outcome.DELIVERED,
            sesMessageId,
            rfcMessageId,
            source,
            SesJson.strings(delivery.path("recipients")),
            false,
            SesJson.text(delivery, "smtpResponse").orElse(null),
            SesJson.instant(delivery, "timestamp").orElse(mailTime));
      }
      case "Bounce" -> {
        JsonNode bounce = root.path("bounce");
        List<String> recipients = new ArrayList<>();
        String detail = null;
        for (JsonNode recipient : bounce.path("bouncedRecipients")) {
          SesJson.text(recipient, "emailAddress").map(SesJson::address).ifPresent(recipients::add);
          if (detail == null) {
            detail =
                SesJson.text(recipient, "diagnosticCode")
                    .or(() -> SesJson.text(recipient, "status"))
                    .orElse(null);
          }
        }
        String bounceType = SesJson.text(bounce, "bounceType").orElse("Undetermined");
        if (detail == null) {
          detail =
              bounceType
                  + SesJson.text(bounce, "bounceSubType").map(s -> " (" + s + ")").orElse("");
        }
        return new Reported(
            Outcome.BOUNCED,
            sesMessageId,
            rfcMessageId,
            source,
            recipients,
            "Permanent".equals(bounceType),
            detail,
            SesJson.instant(bounce, "timestamp").orElse(mailTime));
      }
      case "Complaint" -> {
        JsonNode complaint = root.path("complaint");
        List<String> recipients = new ArrayList<>();
        for (JsonNode recipient : complaint.path("complainedRecipients")) {
          SesJson.text(recipient, "emailAddress").map(SesJson::address).ifPresent(recipients::add);
        }
        return new Reported(
            Outcome.COMPLAINED,
            sesMessageId,
            rfcMessageId,
            source,
            recipients,
            false,
            SesJson.text(complaint, "complaintFeedbackType").orElse(null),
            SesJson.instant(complaint, "timestamp").orElse(mailTime));
      }
      case "Reject" -> {
        return new Reported(
            Outcome.REJECTED,
            sesMessageId,
            rfcMessageId,
            source,
            SesJson.strings(mail.path("destination")),
            false,
            SesJson.text(root.path("reject"), "reason").orElse(null),
            mailTime);
      }
      case "Received" -> {
        return received(root, mail, sesMessageId, source, mailTime);
      }
      default -> {
        return new Ignored(type);
      }
    }
  }

  private static SesNotification received(
      JsonNode root, JsonNode mail, String sesMessageId, String source, Instant mailTime) {
    JsonNode receipt = root.path("receipt");
    JsonNode action = receipt.path("action");
    String actionType = SesJson.text(action, "type").orElse("");
    List<String> recipients = SesJson.strings(receipt.path("recipients"));
    if (recipients.isEmpty()) {
      recipients = SesJson.strings(mail.path("destination"));
    }
    Instant at = SesJson.instant(receipt, "timestamp").orElse(mailTime);
    if ("S3".equals(actionType)) {
      String bucket = SesJson.text(action, "bucketName").orElse(null);
      String key = SesJson.text(action, "objectKey").orElse(null);
      if (bucket == null || key == null) {
        throw new IllegalArgumentException("an S3 receipt action without bucketName or objectKey");
      }
      return new Received(sesMessageId, source, recipients, bucket, key, null, at);
    }
    if ("SNS".equals(actionType)) {
      String content = SesJson.text(root, "content").orElse(null);
      if (content == null) {
        throw new IllegalArgumentException("an SNS receipt action without content");
      }
      byte[] raw =
          "BASE64".equalsIgnoreCase(SesJson.text(action, "encoding").orElse("UTF8"))
              ? Base64.getMimeDecoder().decode(content)
              : content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return new Received(sesMessageId, source, recipients, null, null, raw, at);
    }
    return new Ignored("Received with a " + actionType + " action");
  }
}

/** Reading SES's JSON: absent, blank and mistyped fields alike are empty. */
final class SesJson {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private SesJson() {}

  static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() && !value.asString().isBlank()
        ? Optional.of(value.asString())
        : Optional.empty();
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      if (value.isString()) {
        values.add(address(value.asString()));
      }
    }
    return values;
  }

  /** {@code Name <a@b>} or {@code a@b} as {@code a@b}, lower case. */
  static String address(String text) {
    int open = text.lastIndexOf('<');
    int close = text.lastIndexOf('>');
    String address = open >= 0 && close > open ? text.substring(open + 1, close) : text;
    return address.trim().toLowerCase(Locale.ROOT);
  }

  static Optional<Instant> instant(JsonNode node, String field) {
    return text(node, field)
        .flatMap(
            value -> {
              try {
                return Optional.of(Instant.parse(value));
              } catch (DateTimeParseException e) {
                return Optional.empty();
              }
            });
  }
}
