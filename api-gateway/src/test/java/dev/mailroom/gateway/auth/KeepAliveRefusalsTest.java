package dev.mailroom.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Refusals on one keep-alive connection, as a client that reuses its connections sends them: each
 * is answered, and so is the request after them. A refused token is answered once MongoDB has been
 * asked, off the event loop; a missing or wrong admin key is answered at once. A request queued
 * behind the first kind and answered as the second used to leave the connection unread, so the next
 * request on it waited until the client gave up (see {@code KeepAliveReads}).
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepAliveRefusalsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private GatewayFixture gateway;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
  }

  /** Pipelined, the quick refusal is queued behind the looked-up one every time. */
  @Test
  void theRequestAfterAQueuedQuickRefusalIsAnswered() throws IOException {
    InetSocketAddress address = gateway.address();
    try (Socket socket = new Socket()) {
      socket.connect(address, 5_000);
      socket.setSoTimeout((int) PATIENCE.toMillis());
      for (int round = 0; round < 3; round++) {
        send(socket, get("/v1/mailboxes", "mr_not-a-token") + get("/admin/tenants", null));
        assertThat(status(socket)).isEqualTo(401);
        assertThat(status(socket)).isEqualTo(401);

        send(socket, get("/admin/tenants", "mr_not-the-admin-key"));
        assertThat(status(socket)).isEqualTo(401);
      }
    }
  }

  /** One request at a time on a shared client's connection, as the system tests send them. */
  @Test
  void refusalsInTurnOnASharedConnectionAreAllAnswered() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://" + gateway.address().getHostString() + ":" + gateway.address().getPort();
    for (int round = 0; round < 50; round++) {
      assertThat(call(client, base + "/v1/mailboxes", null)).isEqualTo(401);
      assertThat(call(client, base + "/v1/mailboxes", "mr_not-a-token")).isEqualTo(401);
      assertThat(call(client, base + "/admin/tenants", null)).isEqualTo(401);
      assertThat(call(client, base + "/admin/tenants", "mr_not-the-admin-key")).isEqualTo(401);
    }
  }

  private static int call(HttpClient client, String url, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(PATIENCE).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String get(String path, String bearer) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\n"
        + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
        + "\r\n";
  }

  private static void send(Socket socket, String requests) throws IOException {
    socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** The status of the connection's next response, whose body is read past. */
  private static int status(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("Connection closed after " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = -1;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    assertThat(length).as("Content-Length of " + headers).isNotNegative();
    in.readNBytes(length);
    return Integer.parseInt(headers.substring(9, 12));
  }
}
