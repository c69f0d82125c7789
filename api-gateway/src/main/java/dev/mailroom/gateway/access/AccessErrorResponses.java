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
 * token, email access not enabled or no usable mailbox, and the per-token rate limit.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(
    responseCode = "401",
    description = "Missing or invalid token",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "422",
    description = "EMAIL_NOT_ENABLED or NO_EMAIL_PROVIDER",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "429",
    description = "60 requests a minute or 300 an hour per token",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
@interface AccessErrorResponses {}
