package dev.mailroom.gateway.inbox;

import dev.mailroom.gateway.error.ApiError;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Seed 004's 404 of a route that names only the inbox. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(
    responseCode = "404",
    description =
        "NOT_FOUND: \"Inbox not found\": the inbox doesn't exist or doesn't belong to your"
            + " organization",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
@interface InboxNotFound {}
