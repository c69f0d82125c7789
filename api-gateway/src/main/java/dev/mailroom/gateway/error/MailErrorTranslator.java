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
 * The error translator of the route families that answer {@link ApiError} (the Email Access API and
 * {@code /v1}): the mail core's exceptions to their status, code and body. Ordered before {@link
 * ApiErrorHandler}, whose catch-all would otherwise take them.
 */
@RestControllerAdvice(
    basePackages = {
      "dev.mailroom.gateway.access",
      "dev.mailroom.gateway.webhook",
      "dev.mailroom.gateway.mailbox"
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
          .body(error(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", e.getMessage()));
    }
    if (e instanceof Conflict conflict) {
      return answer(HttpStatus.CONFLICT, conflict.reason(), e);
    }
    if (e instanceof NotFound) {
      return answer(HttpStatus.NOT_FOUND, "NOT_FOUND", e);
    }
    if (e instanceof NoUsableMailbox) {
      return answer(HttpStatus.UNPROCESSABLE_ENTITY, "NO_EMAIL_PROVIDER", e);
    }
    if (e instanceof NotEnabled) {
      return answer(HttpStatus.UNPROCESSABLE_ENTITY, "EMAIL_NOT_ENABLED", e);
    }
    if (e instanceof NotPermitted) {
      return answer(HttpStatus.FORBIDDEN, "FORBIDDEN", e);
    }
    throw new IllegalStateException("Untranslated " + e.getClass().getName(), e);
  }

  private static ResponseEntity<ApiError> invalid(InvalidInput invalid) {
    // Values taken from a stored message are no fault of the request: not a 400.
    HttpStatus status =
        invalid.fromOriginal() ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.BAD_REQUEST;
    String code = invalid.fromOriginal() ? "UNSAFE_ORIGINAL" : "INVALID_REQUEST";
    List<ApiError.FieldError> fields =
        invalid.problems().stream()
            .map(p -> new ApiError.FieldError(p.field(), p.message()))
            .toList();
    return ResponseEntity.status(status)
        .body(new ApiError(code, invalid.getMessage(), status.value(), fields));
  }

  private static ResponseEntity<ApiError> answer(HttpStatus status, String code, Exception e) {
    return ResponseEntity.status(status).body(error(status, code, e.getMessage()));
  }

  private static ApiError error(HttpStatus status, String code, String message) {
    return new ApiError(code, message, status.value(), List.of());
  }
}
