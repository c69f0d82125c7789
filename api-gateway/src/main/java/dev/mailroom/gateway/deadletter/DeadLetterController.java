package dev.mailroom.gateway.deadletter;

import dev.mailroom.gateway.deadletter.DeadLetters.DeadLetter;
import dev.mailroom.gateway.deadletter.DeadLetters.DeadLetterTopic;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.DocumentedErrors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Operator API (admin key) for the dead-letter topics: the records the workers gave up on after
 * their retries, listed and put back on their topic once the cause is fixed.
 */
@RestController
@RequestMapping("/admin/dead-letters")
@Tag(
    name = "Admin: dead letters",
    description =
        "`/admin/dead-letters/...`: records the workers gave up on after their retries, and their"
            + " re-drive. Takes the admin key.")
@SecurityRequirement(name = "adminKey")
@DocumentedErrors.Unauthorized
public class DeadLetterController {
  private static final int MAX_LIMIT = 1000;

  private final DeadLetters deadLetters;

  public DeadLetterController(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  @GetMapping
  @Operation(
      operationId = "listDeadLetterTopics",
      summary = "List the dead-letter topics with their waiting records")
  @ApiResponse(responseCode = "200", description = "Every dead-letter topic")
  Mono<DeadLetterTopics> list() {
    return Mono.fromCallable(() -> new DeadLetterTopics(deadLetters.summaries()))
        .subscribeOn(Schedulers.boundedElastic());
  }

  @GetMapping("/{topic}")
  @Operation(
      operationId = "listDeadLetters",
      summary = "List a dead-letter topic's records not yet re-driven",
      description = "Oldest first per partition.")
  @ApiResponse(responseCode = "200", description = "The records")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<DeadLetterRecords> records(
      @Parameter(description = "The dead-letter topic", example = DeadLetters.TOPIC_EXAMPLE)
          @PathVariable
          String topic,
      @Parameter(
              description = "Records to list",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "1000",
                      defaultValue = "50",
                      example = "50"))
          @RequestParam(defaultValue = "50")
          int limit) {
    checkTopic(topic);
    int bounded = boundedLimit(limit);
    return Mono.fromCallable(() -> new DeadLetterRecords(deadLetters.pending(topic, bounded)))
        .subscribeOn(Schedulers.boundedElastic());
  }

  @PostMapping("/{topic}/redrive")
  @Operation(
      operationId = "redriveDeadLetters",
      summary = "Re-drive a dead-letter topic's records",
      description =
          "Publishes records not yet re-driven back to the topic they came from, in order per"
              + " key.")
  @ApiResponse(responseCode = "200", description = "How many were re-driven")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<Redriven> redrive(
      @Parameter(description = "The dead-letter topic", example = DeadLetters.TOPIC_EXAMPLE)
          @PathVariable
          String topic,
      @Parameter(
              description = "Records to re-drive at most",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "1000",
                      defaultValue = "1000",
                      example = "1000"))
          @RequestParam(defaultValue = "1000")
          int limit) {
    checkTopic(topic);
    int bounded = boundedLimit(limit);
    return Mono.fromCallable(() -> new Redriven(topic, deadLetters.redrive(topic, bounded)))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static void checkTopic(String topic) {
    if (!DeadLetters.topics().contains(topic)) {
      throw ApiException.notFound("Dead-letter topic " + topic);
    }
  }

  private static int boundedLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }

  @Schema(description = "The dead-letter topics")
  record DeadLetterTopics(
      @Schema(description = "One entry per dead-letter topic") List<DeadLetterTopic> data) {}

  @Schema(description = "Records of one dead-letter topic not yet re-driven")
  record DeadLetterRecords(
      @Schema(description = "The records, oldest first per partition") List<DeadLetter> data) {}

  @Schema(description = "The outcome of a re-drive")
  record Redriven(
      @Schema(
              description = "The dead-letter topic",
              example = "mailroom.commands.send.mailroom-send-worker.dlt")
          String topic,
      @Schema(description = "Records published back to their original topic", example = "3")
          int redriven) {}
}
