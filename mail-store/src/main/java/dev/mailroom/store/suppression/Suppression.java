package dev.mailroom.store.suppression;

import java.time.Instant;
import java.util.Locale;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An address the tenant's mailboxes no longer send to, because mail to it bounced for good: sending
 * again would only bounce again and hurt the sending domain's reputation. The id is the tenant and
 * the address, so checking a message's recipients is a lookup by key each.
 *
 * @param address in lower case
 * @param reason why, for people: the kind of bounce and the remote server's words
 * @param messageId the message whose bounce put it here
 */
@Document("suppressions")
public record Suppression(
    @Id String id,
    String tenantId,
    String address,
    String reason,
    String messageId,
    Instant createdAt) {

  public static Suppression of(
      String tenantId, String address, String reason, String messageId, Instant createdAt) {
    String lower = address.toLowerCase(Locale.ROOT);
    return new Suppression(idOf(tenantId, lower), tenantId, lower, reason, messageId, createdAt);
  }

  static String idOf(String tenantId, String address) {
    return tenantId + ":" + address.toLowerCase(Locale.ROOT);
  }
}
