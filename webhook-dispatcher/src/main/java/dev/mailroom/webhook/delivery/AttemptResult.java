package dev.mailroom.webhook.delivery;

import java.time.Duration;

/**
 * What one HTTP attempt came to: a status code, or (when no response came) an error; {@code
 * retryAfter} is the subscriber's {@code Retry-After}, if it sent one.
 */
public record AttemptResult(
    Integer statusCode, Duration retryAfter, String error, long latencyMillis) {

  public boolean succeeded() {
    return statusCode != null && statusCode >= 200 && statusCode < 300;
  }

  public boolean gone() {
    return statusCode != null && statusCode == 410;
  }

  /** 429 and 503 are the answers that may say when to come back. */
  public boolean throttled() {
    return statusCode != null && (statusCode == 429 || statusCode == 503);
  }

  /** How the delivery log describes a failure. */
  public String failure() {
    if (succeeded()) {
      return null;
    }
    if (statusCode == null) {
      return error;
    }
    if (statusCode >= 300 && statusCode < 400) {
      return "HTTP " + statusCode + " (redirects are not followed)";
    }
    return "HTTP " + statusCode;
  }
}
