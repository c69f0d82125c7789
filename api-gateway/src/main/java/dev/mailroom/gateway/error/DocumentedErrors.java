package dev.mailroom.gateway.error;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The error answers of the OpenAPI document, declared once each so that every route documents a
 * refusal with the same description and the {@link ApiError} schema. Put one on a controller for
 * what all its routes answer, or on a route for what only it answers; {@code StatusCoverageTest}
 * holds each documented status to one a test has seen.
 */
public final class DocumentedErrors {
  private DocumentedErrors() {}

  private static final String JSON = "application/json";

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "400",
      description =
          "INVALID_REQUEST: a parameter or body field is invalid; `fieldErrors` names each one",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface BadRequest {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "401",
      description = "UNAUTHORIZED: the credential is missing, unknown, revoked or expired",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface Unauthorized {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "403",
      description = "FORBIDDEN: the token's permissions do not allow this",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface Forbidden {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "404",
      description =
          "NOT_FOUND: nothing with this id, or nothing the credential may see (which is not told"
              + " apart)",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface NotFound {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "409",
      description =
          "CONFLICT, IDEMPOTENCY_KEY_REUSED or IDEMPOTENCY_KEY_IN_USE: the request clashes with"
              + " what exists or with an earlier request under the same Idempotency-Key",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface Conflict {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "422",
      description =
          "EMAIL_NOT_ENABLED (email access is off for this token), NO_EMAIL_PROVIDER (no usable"
              + " mailbox) or UNSAFE_ORIGINAL (the original message cannot be answered safely)",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface Unprocessable {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "422",
      description =
          "MAILBOX_LOGIN_REFUSED: the mailbox's IMAP or SMTP server refused the login with these"
              + " credentials; nothing was stored. A change carrying `oauth` is refused with"
              + " OAUTH_RELINK_UNSUPPORTED",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface MailboxLoginRefused {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "502",
      description =
          "MAIL_SERVER_UNREACHABLE: the mailbox's IMAP or SMTP server could not be reached, so the"
              + " credentials were not checked; nothing was stored",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface MailServerUnreachable {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "504",
      description =
          "MAIL_SERVER_UNREACHABLE: the mailbox's IMAP or SMTP server did not answer within"
              + " mailroom.gateway.mail-login-timeout; nothing was stored",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface MailServerTimeout {}

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ApiResponse(
      responseCode = "429",
      description =
          "RATE_LIMITED: the token's request limit is used up; Retry-After says when to try again",
      content = @Content(mediaType = JSON, schema = @Schema(implementation = ApiError.class)))
  public @interface RateLimited {}
}
