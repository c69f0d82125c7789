package dev.mailroom.provider.ses;

import dev.mailroom.provider.spi.ProviderException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * SES's errors in Mailroom's terms, in one table. A request that never reached SES (no connection)
 * is transient; one whose answer was lost may have been sent, so it is unconfirmed, never retried
 * blindly; Mailroom's own credentials being refused is the deployment's fault and never a mailbox's
 * revoked authorization.
 */
final class SesErrors {
  /** SES's sending-rate limits are per second; a short pause is enough. */
  private static final Duration THROTTLED_PAUSE = Duration.ofSeconds(1);

  private SesErrors() {}

  static ProviderException map(String what, SdkException e) {
    String detail = what + ": " + e.getMessage();
    if (e instanceof TooManyRequestsException || e instanceof LimitExceededException) {
      return new ProviderException.RateLimited(detail, THROTTLED_PAUSE, e);
    }
    if (e instanceof MessageRejectedException
        || e instanceof MailFromDomainNotVerifiedException
        || e instanceof AccountSuspendedException
        || e instanceof SendingPausedException
        || e instanceof BadRequestException
        || e instanceof NotFoundException) {
      return new ProviderException.Permanent(detail, e);
    }
    if (e instanceof SesV2Exception service) {
      int status = service.statusCode();
      if (status == 429) {
        return new ProviderException.RateLimited(detail, THROTTLED_PAUSE, e);
      }
      if (status >= 500) {
        return new ProviderException.Transient(detail, e);
      }
      if (status == 401 || status == 403) {
        return new ProviderException.Permanent(
            what + ": SES refused the deployment's AWS credentials (" + e.getMessage() + ")", e);
      }
      return new ProviderException.Permanent(detail, e);
    }
    if (neverConnected(e)) {
      return new ProviderException.Transient(detail, e);
    }
    return new ProviderException.Unconfirmed(
        what + ": the answer from SES was lost (" + e.getMessage() + "); it may have sent it", e);
  }

  /**
   * Whether the request cannot have reached SES: no connection was made (refused, unknown host, no
   * route, a connect timeout: the HTTP client's own type for it is a socket timeout, so it is told
   * by name), or the SDK found no credentials to sign it with, which it tries before sending.
   */
  private static boolean neverConnected(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String name = cause.getClass().getSimpleName();
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof ConnectException
          || cause instanceof UnknownHostException
          || cause instanceof NoRouteToHostException
          || name.equals("ConnectTimeoutException")
          || name.equals("HttpHostConnectException")
          || message.startsWith("Unable to load credentials")) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
