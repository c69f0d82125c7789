package dev.mailroom.store.mime;

import java.util.List;

/**
 * What a delivery status notification (RFC 3464) says about a message sent earlier.
 *
 * @param originalMessageId the Message-ID of the message it reports on, without angle brackets;
 *     null when the report returned no headers of it
 * @param recipients one entry per recipient the report names
 */
public record DeliveryReport(String originalMessageId, List<RecipientStatus> recipients) {
  public DeliveryReport {
    recipients = List.copyOf(recipients);
  }

  /**
   * @param recipient the final recipient's address, in lower case
   * @param action failed, delayed, delivered, relayed or expanded
   * @param status the enhanced status code, such as 5.1.1
   * @param diagnostic the remote server's own words, when the report gives them
   */
  public record RecipientStatus(String recipient, String action, String status, String diagnostic) {
    /** Delivery was given up on (a bounce), as opposed to delayed or done. */
    public boolean failed() {
      return "failed".equalsIgnoreCase(action);
    }

    /** A permanent failure (status class 5): trying that address again would fail again. */
    public boolean permanent() {
      return failed() && status != null && status.startsWith("5");
    }
  }

  /** The recipients whose delivery failed. */
  public List<RecipientStatus> failures() {
    return recipients.stream().filter(RecipientStatus::failed).toList();
  }
}
