package dev.mailroom.store.token;

import java.util.List;
import java.util.Set;

/**
 * What a token may do. Email access is off unless {@code emailAccessEnabled}; each operation is
 * listed by name in {@code allowedEmailOperations}; {@code visibleEmailFields} empty means all
 * fields; {@code mailboxIds} empty means every mailbox of the tenant.
 */
public record TokenPermissions(
    boolean emailAccessEnabled,
    Set<String> allowedEmailOperations,
    List<String> visibleEmailFields,
    List<String> mailboxIds) {

  public static final Set<String> EMAIL_OPERATIONS =
      Set.of(
          "search_emails",
          "view_email",
          "view_thread",
          "send_email",
          "reply_to_email",
          "forward_email",
          "delete_email",
          "mark_as_read",
          "apply_labels");

  public static TokenPermissions everything() {
    return new TokenPermissions(true, EMAIL_OPERATIONS, List.of(), List.of());
  }

  public boolean allows(String operation) {
    return emailAccessEnabled && allowedEmailOperations.contains(operation);
  }
}
