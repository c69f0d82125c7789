package dev.mailroom.model.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receivers the README tells subscribers to start from (examples/webhook-receivers) run as
 * their own processes and are sent deliveries signed by our signer: a receiver copied from the
 * README must accept what Mailroom sends and refuse what it did not.
 */
class WebhookReceiverExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples", "webhook-receivers");
  private static final String BODY =
      "{\"type\":\"message.received\",\"timestamp\":\"2026-12-01T10:00:00.000Z\","
          + "\"data\":{\"id\":\"msg_1\",\"subject\":\"Grüße aus Köln\"}}";
  // HTTP/1.1 as the dispatcher sends: the JDK client's default first offers an h2c upgrade, which
  // some receiver runtimes answer by closing the connection instead of ignoring the offer.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @ParameterizedTest
  @ValueSource(strings = {"java", "node", "python"})
  void theExampleReceiverAcceptsOurDeliveriesAndRefusesForgeries(String language) throws Exception {
    String secret = WebhookSigner.newSecret();
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder(command(language)).redirectErrorStream(true);
    builder.environment().put("MAILROOM_WEBHOOK_SECRET", secret);
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("PYTHONIOENCODING", "utf-8");
    Process receiver = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(receiver, lines), "receiver-" + language);
    reader.setDaemon(true);
    reader.start();
    try {
      assertThat(lines.poll(60, TimeUnit.SECONDS)).isEqualTo("ready on port " + port);
      long now = Instant.now().getEpochSecond();
      // Signed while the secret rotates: the receiver holds the newer one only.
      String rotating =
          WebhookSigner.signatureHeader(
              List.of(WebhookSigner.newSecret(), secret), "msg_a", now, BODY);

      assertThat(post(port, "msg_a", now, rotating, BODY)).isEqualTo(204);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("verified msg_a " + BODY);
      assertThat(post(port, "msg_a", now, rotating, BODY)).isEqualTo(204);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("duplicate msg_a " + BODY);

      String tampered = BODY.replace("Köln", "Bonn");
      assertThat(post(port, "msg_b", now, rotating, tampered)).isEqualTo(401);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("refused: invalid signature");

      String foreign =
          WebhookSigner.signatureHeader(List.of(WebhookSigner.newSecret()), "msg_c", now, BODY);
      assertThat(post(port, "msg_c", now, foreign, BODY)).isEqualTo(401);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("refused: invalid signature");

      long stale = now - 600;
      String old = WebhookSigner.signatureHeader(List.of(secret), "msg_d", stale, BODY);
      assertThat(post(port, "msg_d", stale, old, BODY)).isEqualTo(401);
      assertThat(lines.poll(10, TimeUnit.SECONDS))
          .isEqualTo("refused: timestamp outside tolerance");

      HttpRequest unsigned =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks"))
              .POST(HttpRequest.BodyPublishers.ofString(BODY))
              .build();
      assertThat(http.send(unsigned, HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(400);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("refused: missing webhook headers");
    } catch (AssertionError | IOException e) {
      // What the receiver printed (its stack trace, a bind error) says more than a closed socket.
      Thread.sleep(500);
      List<String> printed = new java.util.ArrayList<>();
      lines.drainTo(printed);
      throw new AssertionError(
          "the " + language + " receiver failed; it also printed: " + printed, e);
    } finally {
      receiver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private List<String> command(String language) {
    switch (language) {
      case "java":
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, EXAMPLES.resolve("java/WebhookReceiver.java").toString());
      case "node":
        requireRuntime("node");
        return List.of("node", EXAMPLES.resolve("node/receiver.mjs").toString());
      case "python":
        requireRuntime("python3");
        return List.of("python3", EXAMPLES.resolve("python/receiver.py").toString());
      default:
        throw new IllegalArgumentException(language);
    }
  }

  /** CI installs Node and Python and sets the variable, so there a missing one fails the test. */
  private static void requireRuntime(String executable) {
    boolean present =
        System.getenv("PATH") != null
            && java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, executable)));
    if (!"true".equals(System.getenv("MAILROOM_REQUIRE_EXAMPLE_RUNTIMES"))) {
      assumeTrue(present, executable + " is not installed");
    }
  }

  private int post(int port, String id, long timestamp, String signature, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void readLines(Process process, BlockingQueue<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("read failed: " + e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
