package dev.mailroom.gateway.access;

import dev.mailroom.gateway.access.AccessMailboxes.Use;
import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.ContentDispositions;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.gateway.mail.read.MailReads;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Downloads an attachment listed in an email's {@code attachments}, inline images included, so
 * {@code cid:} references in an HTML body can be resolved through their {@code contentId}. Seed 002
 * lists attachment metadata but no way to fetch one; this route is our extension, under the same
 * permission as reading the email.
 */
@RestController
@RequestMapping("/api/access/email")
@Tag(name = AccessSchemas.TAG, description = AccessSchemas.TAG_DESCRIPTION)
@SecurityRequirement(name = "apiToken")
@AccessErrorResponses
class AccessAttachmentController {
  private final AccessMailboxes scopes;
  private final MailReads reads;

  AccessAttachmentController(AccessMailboxes scopes, MailReads reads) {
    this.scopes = scopes;
    this.reads = reads;
  }

  @GetMapping("/messages/{emailId}/attachments/{attachmentId}")
  @Operation(
      operationId = "downloadAttachment",
      summary = "Download an attachment",
      description =
          "The content as stored, with Content-Disposition: attachment and a file name made safe"
              + " to save (filename and RFC 8187 filename*); the original name is in the email's"
              + " attachments. Mailroom's extension to the Email Access API. Permission:"
              + " `view_email`, and the token must see the attachments field.")
  @ApiResponse(
      responseCode = "200",
      description = "The attachment's bytes, with its own Content-Type",
      content =
          @Content(
              mediaType = "application/octet-stream",
              schema = @Schema(type = "string", format = "binary")))
  @ApiResponse(
      responseCode = "403",
      description = "FORBIDDEN: the token does not allow view_email, or hides attachments",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = ApiError.class)))
  @DocumentedErrors.NotFound
  Mono<ResponseEntity<byte[]>> download(
      @Parameter(description = AccessSchemas.EMAIL_ID, example = AccessSchemas.EMAIL_ID_EXAMPLE)
          @PathVariable
          String emailId,
      @Parameter(
              description = "The attachment's id, as listed in the email's attachments",
              example = "att_1")
          @PathVariable
          String attachmentId,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return scopes
        .resolve(caller, Use.READ, "view_email")
        .flatMap(scope -> reads.attachment(scope, emailId, attachmentId))
        .map(
            download ->
                ResponseEntity.ok()
                    .contentType(mediaType(download.attachment().contentType()))
                    .contentLength(download.content().length)
                    .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDispositions.attachment(download.attachment().filename()))
                    // Someone else's file on our origin: never sniffed, never run as a page.
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Content-Security-Policy", "sandbox; default-src 'none'")
                    .body(download.content()));
  }

  private static MediaType mediaType(String contentType) {
    try {
      return contentType == null
          ? MediaType.APPLICATION_OCTET_STREAM
          : MediaType.parseMediaType(contentType);
    } catch (InvalidMediaTypeException e) {
      return MediaType.APPLICATION_OCTET_STREAM;
    }
  }
}
