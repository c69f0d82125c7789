package dev.mailroom.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bad requests a client really sends, over real HTTP to a running gateway: each is answered in its
 * route family's error shape with a stable code and a link to that code's documentation, never with
 * a 500, and none of them leaves an ERROR in the log.
 */
@WithMailroomInfrastructure
@ExtendWith(OutputCaptureExtension.class)
class ErrorContractTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String FORM = "application/x-www-form-urlencoded";

  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;
  private String base;
  private int logMark;

  @BeforeEach
  void setUp(TestInfrastructure infrastructure, CapturedOutput log) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("err-" + UUID.randomUUID() + "@mailroom.local");
    token = gateway.fullToken(tenant.id());
    var address = gateway.address();
    base = "http://" + address.getHostString() + ":" + address.getPort();
    // Only what the requests of the test log: starting the infrastructure logs its own lines.
    logMark = log.getAll().length();
  }

  // ---- /v1 -------------------------------------------------------------------------------

  @Test
  void anUnknownV1RouteIs404RouteNotFound(CapturedOutput log) {
    Answer answer = call("GET", "/v1/messages", token, null, null);
    answer.isError(404, ErrorCode.ROUTE_NOT_FOUND);
    assertThat(answer.json.get("message").asString()).contains("/v1/messages");
    assertNoErrorLogged(log);
  }

  @Test
  void aWrongMethodIs405WithTheMethodsTheRouteTakes(CapturedOutput log) {
    Answer put = call("PUT", "/v1/mailboxes", token, "application/json", "{}");
    put.isError(405, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(put.allow()).contains("GET").doesNotContain("PUT");

    Answer delete =
        call("DELETE", "/v1/mailboxes/" + tenant.mailboxIds().get(0), token, null, null);
    delete.isError(405, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(delete.allow()).contains("GET");
    assertNoErrorLogged(log);
  }

  @Test
  void aV1BodyWithoutJsonContentTypeIs415(CapturedOutput log) {
    String body = "{\"url\":\"https://hooks.example.com/x\",\"eventTypes\":[\"message.received\"]}";
    // What curl -d sends when no -H is given.
    call("POST", "/v1/webhooks", token, FORM, body).isError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    call("POST", "/v1/webhooks", token, null, body).isError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    call("POST", "/v1/webhooks", token, "text/plain", body)
        .isError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertNoErrorLogged(log);
  }

  @Test
  void aV1BodyOverTheLimitIs413(CapturedOutput log) {
    String big = "{\"url\":\"https://hooks.example.com/x\",\"description\":\"" + pad(300) + "\"}";
    Answer answer = call("POST", "/v1/webhooks", token, "application/json", big);
    answer.isError(413, ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(answer.json.get("message").asString()).contains("262144");
    assertNoErrorLogged(log);
  }

  @Test
  void malformedV1JsonIs400WithItsPosition(CapturedOutput log) {
    String body =
        "{\n  \"url\": \"https://hooks.example.com/x\",\n  \"eventTypes\": [\"a\" \"b\"]\n}";
    Answer answer = call("POST", "/v1/webhooks", token, "application/json", body);
    answer.isError(400, ErrorCode.MALFORMED_JSON);
    assertThat(answer.json.get("line").asInt()).isEqualTo(3);
    assertThat(answer.json.get("column").asInt()).isPositive();
    assertThat(answer.json.get("message").asString()).contains("line 3");
    assertNoErrorLogged(log);
  }

  @Test
  void anUnknownV1FieldIsNamed(CapturedOutput log) {
    String body =
        "{\"url\":\"https://hooks.example.com/x\",\"eventTypes\":[\"message.received\"],"
            + "\"evenTypes\":[]}";
    Answer answer = call("POST", "/v1/webhooks", token, "application/json", body);
    answer.isError(400, ErrorCode.UNKNOWN_FIELD);
    assertThat(answer.field()).isEqualTo("evenTypes");
    assertNoErrorLogged(log);
  }

  // ---- Email Access API ------------------------------------------------------------------

  private static final String SEND = "/api/access/email/messages/send";
  private static final String SEND_BODY =
      "{\"to\":[{\"email\":\"someone@example.com\"}],\"subject\":\"Hi\",\"body\":\"Hello\"";

  @Test
  void aMisspelledAttachmentsFieldOnSendIsRefusedNotIgnored(CapturedOutput log) {
    Answer answer =
        call("POST", SEND, token, "application/json", SEND_BODY + ",\"attachmentz\":[]}");
    answer.isError(400, ErrorCode.UNKNOWN_FIELD);
    assertThat(answer.field()).isEqualTo("attachmentz");
    assertThat(answer.json.get("message").asString()).contains("attachmentz");
    assertNoErrorLogged(log);
  }

  @Test
  void anUnknownNestedFieldIsNamedByItsPath(CapturedOutput log) {
    String body =
        "{\"to\":[{\"email\":\"someone@example.com\",\"nmae\":\"X\"}],\"subject\":\"Hi\","
            + "\"body\":\"Hello\"}";
    Answer answer = call("POST", SEND, token, "application/json", body);
    answer.isError(400, ErrorCode.UNKNOWN_FIELD);
    assertThat(answer.field()).isEqualTo("to[0].nmae");
    assertNoErrorLogged(log);
  }

  @Test
  void anAccessRouteAnswersItsFrameworkErrorsInItsShape(CapturedOutput log) {
    call("GET", "/api/access/email/mailboxes", token, null, null)
        .isError(404, ErrorCode.ROUTE_NOT_FOUND);
    Answer put = call("PUT", SEND, token, "application/json", SEND_BODY + "}");
    put.isError(405, ErrorCode.METHOD_NOT_ALLOWED);
    // The path is also /messages/{emailId} (an email with id "send"): those methods too.
    assertThat(put.allow()).contains("POST").doesNotContain("PUT");
    call("POST", SEND, token, FORM, SEND_BODY + "}").isError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    Answer malformed = call("POST", SEND, token, "application/json", SEND_BODY + ",}");
    malformed.isError(400, ErrorCode.MALFORMED_JSON);
    assertThat(malformed.json.get("line").asInt()).isEqualTo(1);
    assertThat(malformed.json.get("column").asInt()).isGreaterThan(SEND_BODY.length());
    Answer wrongType =
        call(
            "POST",
            "/api/access/email/messages/imap:msg_none/reply",
            token,
            "application/json",
            "{\"body\":\"ok\",\"replyAll\":\"maybe\"}");
    wrongType.isError(400, ErrorCode.INVALID_REQUEST);
    assertThat(wrongType.field()).isEqualTo("replyAll");
    assertNoErrorLogged(log);
  }

  @Test
  void aSendBodyMayBeLargerThanAnOrdinaryOneButNotUnbounded(CapturedOutput log) {
    // 300 KiB is over the ordinary limit but a send carries attachments: it reaches validation.
    String body =
        "{\"to\":[{\"email\":\"someone@example.com\"}],\"subject\":\"Hi\",\"body\":\"Hello\","
            + "\"bodyType\":\""
            + pad(300)
            + "\"}";
    Answer large = call("POST", SEND, token, "application/json", body);
    large.isError(400, ErrorCode.INVALID_REQUEST);
    assertThat(large.field()).isEqualTo("bodyType");

    String huge = SEND_BODY + ",\"bodyType\":\"" + pad(36 * 1024) + "\"}";
    call("POST", SEND, token, "application/json", huge).isError(413, ErrorCode.PAYLOAD_TOO_LARGE);
    assertNoErrorLogged(log);
  }

  // ---- /admin ----------------------------------------------------------------------------

  @Test
  void theAdminApiAnswersItsFrameworkErrorsInItsShape(CapturedOutput log) {
    String admin = GatewayFixture.ADMIN_KEY;
    call("GET", "/admin/tenant", admin, null, null).isError(404, ErrorCode.ROUTE_NOT_FOUND);
    Answer wrongMethod = call("PUT", "/admin/tenants", admin, "application/json", "{}");
    wrongMethod.isError(405, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(wrongMethod.allow()).contains("GET").contains("POST");
    call("DELETE", "/admin/dead-letters", admin, null, null)
        .isError(405, ErrorCode.METHOD_NOT_ALLOWED);
    call("POST", "/admin/tenants", admin, FORM, "{\"name\":\"x\"}")
        .isError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    call("POST", "/admin/tenants", admin, "application/json", "{\"name\":\"" + pad(300) + "\"}")
        .isError(413, ErrorCode.PAYLOAD_TOO_LARGE);
    call("POST", "/admin/tenants", admin, "application/json", "{\"name\":")
        .isError(400, ErrorCode.MALFORMED_JSON);
    call("POST", "/admin/tenants", admin, "application/json", "not json at all")
        .isError(400, ErrorCode.MALFORMED_JSON);
    Answer unknown =
        call("POST", "/admin/tenants", admin, "application/json", "{\"name\":\"x\",\"nmae\":1}");
    unknown.isError(400, ErrorCode.UNKNOWN_FIELD);
    assertThat(unknown.field()).isEqualTo("nmae");
    assertNoErrorLogged(log);
  }

  @Test
  void aPathOutsideEveryFamilyIsStill404InTheGatewayShape() {
    call("GET", "/nothing-here", null, null, null).isError(404, ErrorCode.ROUTE_NOT_FOUND);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static String pad(int kib) {
    return "x".repeat(kib * 1024);
  }

  private void assertNoErrorLogged(CapturedOutput log) {
    assertThat(log.getAll().substring(logMark)).doesNotContain(" ERROR ").doesNotContain("\tat ");
  }

  private Answer call(String method, String path, String bearer, String type, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (type != null) {
      request.header("Content-Type", type);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(method + " " + path, response);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final class Answer {
    final String request;
    final HttpResponse<String> response;
    JsonNode json;

    Answer(String request, HttpResponse<String> response) {
      this.request = request;
      this.response = response;
    }

    void isError(int status, ErrorCode code) {
      String what = request + " -> " + response.statusCode() + " " + response.body();
      assertThat(response.statusCode()).as(what).isEqualTo(status);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as(what)
          .startsWith("application/json");
      json = JSON.readTree(response.body());
      assertThat(json.get("code").asString()).as(what).isEqualTo(code.name());
      assertThat(json.get("status").asInt()).as(what).isEqualTo(status);
      assertThat(json.get("message").asString()).as(what).isNotBlank();
      assertThat(json.get("docs").asString()).as(what).endsWith("#" + code.anchor());
      assertThat(code.status().value()).as(what).isEqualTo(status);
    }

    String allow() {
      return response.headers().firstValue("Allow").orElse("");
    }

    String field() {
      return json.get("fieldErrors").get(0).get("field").asString();
    }
  }
}
