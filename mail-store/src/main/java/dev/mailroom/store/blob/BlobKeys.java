package dev.mailroom.store.blob;

import java.util.regex.Pattern;

/**
 * Server-generated S3 keys. Ids are validated before they become key segments; a client's file name
 * never does.
 */
public final class BlobKeys {
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private BlobKeys() {}

  /** Everything stored for a tenant; ends with a slash, so no other tenant's keys match. */
  public static String tenantPrefix(String tenantId) {
    return "tenants/" + safe(tenantId) + "/";
  }

  /** Everything stored for one mailbox of a tenant. */
  public static String mailboxPrefix(String tenantId, String mailboxId) {
    return tenantPrefix(tenantId) + "mailboxes/" + safe(mailboxId) + "/";
  }

  public static String message(String tenantId, String mailboxId, String messageId) {
    return "tenants/"
        + safe(tenantId)
        + "/mailboxes/"
        + safe(mailboxId)
        + "/messages/"
        + safe(messageId);
  }

  public static String rawMime(String tenantId, String mailboxId, String messageId) {
    return message(tenantId, mailboxId, messageId) + "/raw.eml";
  }

  public static String textBody(String tenantId, String mailboxId, String messageId) {
    return message(tenantId, mailboxId, messageId) + "/body.txt";
  }

  public static String htmlBody(String tenantId, String mailboxId, String messageId) {
    return message(tenantId, mailboxId, messageId) + "/body.html";
  }

  public static String attachment(
      String tenantId, String mailboxId, String messageId, String attachmentId) {
    return message(tenantId, mailboxId, messageId) + "/attachments/" + safe(attachmentId);
  }

  /**
   * An attachment copied out of a pack (or out of raw MIME) into an object of its own, so that a
   * presigned URL can name it: a URL cannot carry the byte range a pack is read by.
   */
  public static String download(
      String tenantId, String mailboxId, String messageId, String attachmentId) {
    return message(tenantId, mailboxId, messageId) + "/downloads/" + safe(attachmentId);
  }

  /**
   * An object that holds the parts of many of a mailbox's messages side by side, read by range. It
   * lives under the mailbox, so it goes with the mailbox's purge like any other object of it.
   */
  public static String pack(String tenantId, String mailboxId, String packId) {
    return mailboxPrefix(tenantId, mailboxId) + "packs/" + safe(packId);
  }

  /**
   * A message that arrived for a hosted mailbox, as the SMTP receiver got it, until the sync worker
   * has stored it as a message.
   */
  public static String inbound(String tenantId, String mailboxId, String deliveryId) {
    return mailboxPrefix(tenantId, mailboxId) + "inbound/" + safe(deliveryId);
  }

  private static String safe(String id) {
    if (id == null || !SAFE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("Not a safe id for a storage key: " + id);
    }
    return id;
  }
}
