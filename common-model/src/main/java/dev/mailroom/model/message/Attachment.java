package dev.mailroom.model.message;

/**
 * Attachment metadata. {@code blobKey} is the server-generated S3 key of the content; a client's
 * file name never becomes part of a key.
 */
public record Attachment(
    String id,
    String filename,
    String contentType,
    long size,
    boolean inline,
    String contentId,
    String blobKey) {}
