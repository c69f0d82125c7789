package dev.mailroom.gateway.error;

import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * Every {@code code} an error answer of the gateway can carry, in every route family: the one place
 * a code is defined. Each has its status and a section in {@code docs/errors.md} (its anchor is the
 * code in lower case with dashes), linked from every answer's {@code docs} field; {@code
 * ErrorCatalogTest} keeps the enum and the document in step.
 */
public enum ErrorCode {
  INVALID_REQUEST(HttpStatus.BAD_REQUEST, "A field is missing or has a value the route refuses."),
  MALFORMED_JSON(HttpStatus.BAD_REQUEST, "The body is not well-formed JSON."),
  UNKNOWN_FIELD(HttpStatus.BAD_REQUEST, "The body has a field the route does not take."),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "No valid credentials for this route."),
  FORBIDDEN(HttpStatus.FORBIDDEN, "The credentials do not permit this operation."),
  NOT_FOUND(HttpStatus.NOT_FOUND, "The resource does not exist or belongs to another tenant."),
  ROUTE_NOT_FOUND(HttpStatus.NOT_FOUND, "No route has this path."),
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "The route does not take this HTTP method."),
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "The route cannot answer in a type the Accept allows."),
  CONFLICT(HttpStatus.CONFLICT, "The resource already exists."),
  CONCURRENT_CHANGE(HttpStatus.CONFLICT, "The resource changed while the request was handled."),
  DELIVERY_PENDING(HttpStatus.CONFLICT, "The webhook delivery is still being attempted."),
  WEBHOOK_DISABLED(HttpStatus.CONFLICT, "The webhook subscription is disabled."),
  IDEMPOTENCY_KEY_REUSED(
      HttpStatus.CONFLICT, "The Idempotency-Key was used before with a different request."),
  IDEMPOTENCY_KEY_IN_USE(
      HttpStatus.CONFLICT, "A request with the same Idempotency-Key is still being handled."),
  PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The body is larger than the route accepts."),
  UNSUPPORTED_MEDIA_TYPE(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE, "The body's Content-Type is not application/json."),
  UNSAFE_ORIGINAL(
      HttpStatus.UNPROCESSABLE_CONTENT,
      "A value taken from the stored message (a reply's recipients) is unsafe to send."),
  EMAIL_NOT_ENABLED(
      HttpStatus.UNPROCESSABLE_CONTENT, "Email access is not enabled for this token."),
  NO_EMAIL_PROVIDER(
      HttpStatus.UNPROCESSABLE_CONTENT, "No usable mailbox is connected for this operation."),
  MAILBOX_LOGIN_REFUSED(
      HttpStatus.UNPROCESSABLE_CONTENT,
      "The mailbox's IMAP or SMTP server refused the login with these credentials."),
  OAUTH_RELINK_UNSUPPORTED(
      HttpStatus.UNPROCESSABLE_CONTENT,
      "No provider signs in with OAuth yet; change the password."),
  RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "Too many requests; retry after Retry-After."),
  INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "The gateway failed; the request may be retried."),
  /**
   * 502 when a mailbox's server could not be reached, 504 when it did not answer in time: the one
   * code answered with two statuses, since either way the credentials went unchecked.
   */
  MAIL_SERVER_UNREACHABLE(
      HttpStatus.BAD_GATEWAY,
      "The mailbox's IMAP or SMTP server could not be reached (502) or did not answer in time"
          + " (504).");

  /** Where {@code docs/errors.md} is served from; the anchor is appended. */
  public static final String DOCS = "docs/errors.md#";

  private final HttpStatus status;
  private final String meaning;

  ErrorCode(HttpStatus status, String meaning) {
    this.status = status;
    this.meaning = meaning;
  }

  public HttpStatus status() {
    return status;
  }

  /** One sentence; the document says more. */
  public String meaning() {
    return meaning;
  }

  /** The section of {@code docs/errors.md} that explains this code. */
  public String anchor() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String docs() {
    return DOCS + anchor();
  }

  public static Optional<ErrorCode> of(String code) {
    try {
      return Optional.of(valueOf(code));
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return Optional.empty();
    }
  }
}
