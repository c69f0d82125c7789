package dev.mailroom.gateway.access;

import dev.mailroom.gateway.error.ApiError;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The refusals every Email Access API route documents, declared once for its controllers: no valid
 * token, email access not enabled or no usable mailbox (seed 001's 422 codes), and the per-token
 * rate limit (seed 002).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(
    responseCode = "401",
    description = "UNAUTHORIZED: the token is missing, unknown, revoked or expired",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "422",
    description =
        "EMAIL_NOT_ENABLED (email access is off for this token) or NO_EMAIL_PROVIDER (no mailbox"
            + " the token may use for this)",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "429",
    description =
        "RATE_LIMITED: 60 requests a minute or 300 an hour per token; Retry-After says when to"
            + " try again",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
@interface AccessErrorResponses {}
