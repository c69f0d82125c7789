package dev.mailroom.gateway.openapi;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import reactor.core.publisher.Mono;

/**
 * Every (method, path, status) the test gateway answered in this JVM, whoever answered it: a
 * controller, an error handler, or the security chain in front of them. Recorded around the
 * outermost HTTP handler when the response is committed, so the status is the one the client saw.
 * Read by {@link StatusCoverageTest}.
 */
public final class AnsweredStatuses {
  private AnsweredStatuses() {}

  public record Answer(String method, String path, int status) {}

  private static final Set<Answer> ANSWERS = ConcurrentHashMap.newKeySet();

  public static List<Answer> all() {
    return List.copyOf(ANSWERS);
  }

  /**
   * Configuration for the gateway under test, added to its sources by {@code GatewayFixture}. Not a
   * component, so no other context picks it up by scanning.
   */
  public static class Recording {
    @Bean
    HttpHandlerDecoratorFactory answeredStatusRecorder() {
      return handler ->
          (request, response) -> {
            String method = request.getMethod().name();
            String path = request.getPath().pathWithinApplication().value();
            response.beforeCommit(
                () -> {
                  record(method, path, response.getStatusCode());
                  return Mono.empty();
                });
            return handler.handle(request, response);
          };
    }
  }

  private static void record(String method, String path, HttpStatusCode status) {
    // A response committed without a status set is a 200.
    ANSWERS.add(new Answer(method, path, status == null ? 200 : status.value()));
  }
}
