package dev.mailroom.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small client of Mailroom's HTTP API, used by the quick start to set up its demo through the
 * same admin API an operator would use, and by the system tests as a black-box client.
 */
public final class AdminClient {
  private final HttpClient http =
      HttpClient.newBuilder()
          // No h2c upgrade dance on plain HTTP: one request, one answer.
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String baseUrl;

  public AdminClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public record Response(int status, JsonNode body) {}

  public Response call(String method, String path, String bearer, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json");
      if (bearer != null) {
        request.header("Authorization", "Bearer " + bearer);
      }
      if (body != null) {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode parsed =
          response.body().length == 0 ? json.nullNode() : json.readTree(response.body());
      return new Response(response.statusCode(), parsed);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Calls and insists on one status; the error names the call and shows the body. */
  public JsonNode expect(int status, String method, String path, String bearer, Object body) {
    Response response = call(method, path, bearer, body);
    if (response.status() != status) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.status() + ": " + response.body());
    }
    return response.body();
  }
}
