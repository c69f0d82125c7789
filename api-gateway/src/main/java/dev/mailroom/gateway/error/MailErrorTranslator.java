package dev.mailroom.gateway.error;

import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailException.Conflict;
import dev.mailroom.gateway.mail.MailException.InvalidInput;
import dev.mailroom.gateway.mail.MailException.NoUsableMailbox;
import dev.mailroom.gateway.mail.MailException.NotEnabled;
import dev.mailroom.gateway.mail.MailException.NotFound;
import dev.mailroom.gateway.mail.MailException.NotPermitted;
import dev.mailroom.gateway.mail.MailException.RateLimited;
import dev.mailroom.gateway.ratelimit.RateLimitHeaders;
import java.time.Clock;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The error translator of the route families that answer {@link ApiError} (the Email Access API,
 * {@code /v1}, and seeds 003 and 004, whose documents name statuses and messages but no error
 * body): the mail core's exceptions to their status, code and body. Ordered before {@link
 * ApiErrorHandler}, whose catch-all would otherwise take them.
 */
@RestControllerAdvice(
    basePackages = {
      "dev.mailroom.gateway.access",
      "dev.mailroom.gateway.webhook",
      "dev.mailroom.gateway.mailbox",
      "dev.mailroom.gateway.mailboxmessages",
      "dev.mailroom.gateway.inbox"
    })
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MailErrorTranslator {
  private final Clock clock;

  public MailErrorTranslator(Clock clock) {
    this.clock = clock;
  }

  @ExceptionHandler(MailException.class)
  ResponseEntity<ApiError> translate(MailException e) {
    if (e instanceof InvalidInput invalid) {
      return invalid(invalid);
    }
    if (e instanceof RateLimited limited) {
      return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
          .headers(headers -> RateLimitHeaders.refuse(headers, limited.decision(), clock.instant()))
          .body(ApiError.of(ErrorCode.RATE_LIMITED, e.getMessage()));
    }
    if (e instanceof Conflict conflict) {
      return answer(ErrorCode.of(conflict.reason()).orElse(ErrorCode.CONFLICT), e);
    }
    if (e instanceof NotFound) {
      return answer(ErrorCode.NOT_FOUND, e);
    }
    if (e instanceof NoUsableMailbox) {
      return answer(ErrorCode.NO_EMAIL_PROVIDER, e);
    }
    if (e instanceof NotEnabled) {
      return answer(ErrorCode.EMAIL_NOT_ENABLED, e);
    }
    if (e instanceof NotPermitted) {
      return answer(ErrorCode.FORBIDDEN, e);
    }
    throw new IllegalStateException("Untranslated " + e.getClass().getName(), e);
  }

  private static ResponseEntity<ApiError> invalid(InvalidInput invalid) {
    // Values taken from a stored message are no fault of the request: not a 400.
    ErrorCode code = invalid.fromOriginal() ? ErrorCode.UNSAFE_ORIGINAL : ErrorCode.INVALID_REQUEST;
    List<ApiError.FieldError> fields =
        invalid.problems().stream()
            .map(p -> new ApiError.FieldError(p.field(), p.message()))
            .toList();
    return ResponseEntity.status(code.status())
        .body(new ApiError(code, invalid.getMessage(), fields));
  }

  private static ResponseEntity<ApiError> answer(ErrorCode code, Exception e) {
    return ResponseEntity.status(code.status()).body(ApiError.of(code, e.getMessage()));
  }
}
