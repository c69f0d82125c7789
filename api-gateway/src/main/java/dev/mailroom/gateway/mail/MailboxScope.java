package dev.mailroom.gateway.mail;

import dev.mailroom.store.mailbox.MailboxIdentity;
import java.util.List;

/**
 * What one request may touch, as a route family resolved it from its credentials: the tenant, the
 * mailboxes usable for the operation at hand (readable for reads, send-enabled for sends), and the
 * message fields the caller may see (empty: all). The core trusts it and checks nothing about
 * tokens.
 */
public record MailboxScope(
    String tenantId, List<MailboxIdentity> mailboxes, List<String> visibleFields) {
  public MailboxScope {
    mailboxes = List.copyOf(mailboxes);
    visibleFields = visibleFields == null ? List.of() : List.copyOf(visibleFields);
  }

  public List<String> mailboxIds() {
    return mailboxes.stream().map(MailboxIdentity::id).toList();
  }

  public boolean includes(String mailboxId) {
    return mailboxes.stream().anyMatch(m -> m.id().equals(mailboxId));
  }

  public boolean sees(String field) {
    return visibleFields.isEmpty() || visibleFields.contains(field);
  }

  public boolean seesAll(List<String> fields) {
    return visibleFields.isEmpty() || visibleFields.containsAll(fields);
  }
}
