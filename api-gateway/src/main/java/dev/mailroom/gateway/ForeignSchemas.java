package dev.mailroom.gateway;

import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * What the OpenAPI document says about shapes defined outside the gateway (the store's records, the
 * core's participant) or shared with code that others change often (the error body): their
 * descriptions, examples and closed value sets, keyed by schema and property name. Applied by
 * {@link OpenApiConfiguration#foreignSchemaDocs()}; {@code OpenApiConventionsTest} fails when a
 * property is left without a description.
 */
final class ForeignSchemas {
  private ForeignSchemas() {}

  private static final String TIME = "2026-03-02T09:14:05.120Z";

  /** One property's documentation; {@code values} non-empty makes it an enum. */
  record Field(String description, Object example, List<String> values) {
    static Field of(String description, Object example) {
      return new Field(description, example, List.of());
    }

    static Field of(String description) {
      return new Field(description, null, List.of());
    }

    static Field oneOf(String description, String example, String... values) {
      return new Field(description, example, List.of(values));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void applyTo(Schema target) {
      if (target.getDescription() == null) {
        target.setDescription(description);
      }
      if (example != null && target.getExample() == null) {
        target.setExample(example);
      }
      if (!values.isEmpty() && (target.getEnum() == null || target.getEnum().isEmpty())) {
        target.setEnum(List.copyOf(values));
      }
    }
  }

  record Doc(String description, Map<String, Field> properties) {}

  static final Map<String, Doc> DOCS =
      Map.of(
          // Springdoc reads the properties of a polymorphic request's interface but not their
          // annotations.
          "CreateMailbox",
          new Doc(
              "A mailbox to connect; provider decides the shape of the rest",
              Map.of(
                  "provider",
                  Field.oneOf(
                      "The provider kind, which decides the shape of the rest", "imap", "imap"))),
          "ApiError",
          new Doc(
              "The error body of every route",
              Map.of(
                  "code",
                  Field.of(
                      "Stable machine-readable code, e.g. INVALID_REQUEST, UNAUTHORIZED,"
                          + " FORBIDDEN, NOT_FOUND, CONFLICT, EMAIL_NOT_ENABLED,"
                          + " NO_EMAIL_PROVIDER, RATE_LIMITED",
                      "NOT_FOUND"),
                  "message",
                  Field.of("What went wrong, for people", "Email imap:msg_0123 not found"),
                  "status",
                  Field.of("The HTTP status, repeated", 404),
                  "fieldErrors",
                  Field.of("For invalid input: each field and what is wrong with it"))),
          "FieldError",
          new Doc(
              "A problem with one field of the request",
              Map.of(
                  "field",
                  Field.of("The field or parameter, as a dotted path", "to[0].email"),
                  "message",
                  Field.of("What is wrong with it", "is not a valid address"))),
          "Tenant",
          new Doc(
              "A tenant: one customer of the operator, owning mailboxes and tokens",
              Map.of(
                  "id",
                  Field.of("The tenant's id", "ten_01JH3Z7R5T6Y7U8I9O0P1A2S3D"),
                  "name",
                  Field.of("The tenant's name, for people", "Acme Inc."),
                  "createdAt",
                  Field.of("When it was created", TIME))),
          "TokenPermissions",
          new Doc(
              "What a token may do",
              Map.of(
                  "emailAccessEnabled",
                  Field.of("Email access is off unless true", true),
                  "allowedEmailOperations",
                  Field.of("The Email Access API operations it may perform"),
                  "visibleEmailFields",
                  Field.of("The email fields it sees (id always); empty: every field"),
                  "mailboxIds",
                  Field.of("The mailboxes it may use; empty: every mailbox of the tenant"))),
          "SyncState",
          new Doc(
              "Where a mailbox's sync stands",
              Map.ofEntries(
                  Map.entry(
                      "state",
                      Field.oneOf(
                          "never (not synced yet), syncing, idle (up to date) or error",
                          "idle",
                          "never",
                          "syncing",
                          "idle",
                          "error")),
                  Map.entry(
                      "backfilled",
                      Field.of(
                          "Whether the first complete pass is done; only mail found after it is"
                              + " announced as new",
                          true)),
                  Map.entry("folders", Field.of("The folders synced, with their counters")),
                  Map.entry("messagesDone", Field.of("Messages synced in this pass", 1200)),
                  Map.entry("messagesTotal", Field.of("Messages to sync in this pass", 1500)),
                  Map.entry("lastSuccessAt", Field.of("When a sync last completed", TIME)),
                  Map.entry("lastErrorAt", Field.of("When a sync last failed", TIME)),
                  Map.entry(
                      "lastError",
                      Field.of("The last failure, in words safe to show", "Authentication failed")),
                  Map.entry("failures", Field.of("Consecutive failed syncs", 0)),
                  Map.entry(
                      "nextRetryAt",
                      Field.of("When a failing sync is tried again by itself", TIME)),
                  Map.entry(
                      "skipped",
                      Field.of(
                          "Messages that could not be fetched or stored, tried again on their"
                              + " own")))),
          "FolderSyncState",
          new Doc(
              "One folder as the sync state shows it; the counters are the provider's, for"
                  + " display",
              Map.of(
                  "name",
                  Field.of("The folder's name", "INBOX"),
                  "role",
                  Field.of("What the folder is for (inbox, sent, trash, ...)", "inbox"),
                  "uidValidity",
                  Field.of("IMAP UIDVALIDITY", 1700000000),
                  "uidNext",
                  Field.of("IMAP UIDNEXT", 1501),
                  "highestModSeq",
                  Field.of("IMAP HIGHESTMODSEQ; 0 without CONDSTORE", 0),
                  "messages",
                  Field.of("Messages in the folder", 1500))),
          "SkippedMessage",
          new Doc(
              "A message the provider lists that sync could not fetch or store",
              Map.of(
                  "providerMessageId",
                  Field.of(
                      "Where the provider keeps it (IMAP: folder:uidvalidity:uid)",
                      "INBOX:1700000000:42"),
                  "folder",
                  Field.of("The folder it is in", "INBOX"),
                  "attempts",
                  Field.of("How often it was tried", 2),
                  "lastError",
                  Field.of("Why the last try failed", "Message too large"),
                  "firstFailedAt",
                  Field.of("When it first failed", TIME),
                  "lastFailedAt",
                  Field.of("When it last failed", TIME),
                  "nextAttemptAt",
                  Field.of("When it is tried again", TIME),
                  "announce",
                  Field.of("Whether it is announced as received once stored", true))));
}
