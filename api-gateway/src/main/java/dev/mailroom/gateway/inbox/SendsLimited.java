package dev.mailroom.gateway.inbox;

import dev.mailroom.gateway.error.ApiError;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Seed 004's limit on sends and replies ({@link InboxRateLimits}). */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(
    responseCode = "429",
    description = "RATE_LIMITED: rate limit exceeded (100 requests per hour per organization)",
    headers =
        @Header(
            name = "Retry-After",
            description = "Seconds until a request is possible again",
            schema = @Schema(type = "integer", example = "120")),
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
@interface SendsLimited {}
