package dev.mailroom.store.message;

/**
 * How attachment ids are built by the parser: ids below a forwarded message/rfc822 part extend its
 * id, so {@code att_3_1} is the first attachment inside {@code att_3}.
 */
public final class AttachmentIds {
  private AttachmentIds() {}

  /** The id of the forwarded message an attachment sits in, or null for a top-level one. */
  public static String parentId(String id) {
    int last = id == null ? -1 : id.lastIndexOf('_');
    return last > 0 && id.indexOf('_') < last ? id.substring(0, last) : null;
  }
}
