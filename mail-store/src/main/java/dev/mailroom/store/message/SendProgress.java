package dev.mailroom.store.message;

import java.time.Instant;
import org.springframework.data.annotation.Id;

/**
 * What the send worker keeps on an outbound message beside its status, read on its own because only
 * a redelivered send needs it.
 *
 * @param submitStartedAt set just before the message is handed to the provider and cleared when the
 *     outcome is recorded: found on a message still sending, the provider may have taken it
 * @param sentCopy the copy for the Sent folder of a provider that does not make one itself; null
 *     when none is needed
 * @param sentCopyError why the copy could not be made, when {@code sentCopy} is {@code FAILED}
 */
public record SendProgress(
    @Id String id, Instant submitStartedAt, SentCopy sentCopy, String sentCopyError) {
  static final String SUBMITTING = "submitStartedAt";
  static final String SENT_COPY = "sentCopy";
  static final String SENT_COPY_ERROR = "sentCopyError";

  /** A copy still to be made is retried on its own: the message itself is never sent again. */
  public enum SentCopy {
    PENDING,
    SAVED,
    FAILED
  }
}
