package dev.mailroom.send;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param concurrency listener threads; useful up to the partitions this replica is assigned
 * @param unconfirmedSubmission what a redelivered send becomes when an earlier delivery handed it
 *     to a provider that keeps no copy to ask (SMTP) and stopped before recording the answer
 */
@ConfigurationProperties("mailroom.send")
public record SendProperties(
    @DefaultValue("2") int concurrency,
    @DefaultValue("at-most-once") UnconfirmedSubmission unconfirmedSubmission) {

  public enum UnconfirmedSubmission {
    /** Not sent again: the message becomes {@code unknown}, with a reason and an event. */
    AT_MOST_ONCE,
    /** Sent again, and counted in {@code mailroom.send.resubmitted}: a recipient may get two. */
    AT_LEAST_ONCE
  }
}
