package dev.mailroom.infra.ses;

import dev.mailroom.infra.Ports;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A maintained third-party SES v2 emulator, {@code aws-ses-v2-local} from npm, run by Node on an
 * ephemeral port: it answers SendEmail as SES does (raw content included, with a message id) and
 * shows what it took at {@code GET /store}. Its version is pinned in {@code
 * local-infra/ses-emulator/package.json}; {@code .ci/run} installs it, and elsewhere it is
 * installed on first use where npm can reach its registry.
 */
public final class SesEmulator implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final String CLI = "node_modules/aws-ses-v2-local/dist/cli.js";
  private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\"\\s*:\\s*\"([^\"]+)\"");

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private SesEmulator(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * For {@code @EnabledIf}: tests that need the emulator are skipped where Node or the package is
   * missing, unless {@code MAILROOM_REQUIRE_SES_EMULATOR=true} (set by CI), where that fails them.
   */
  public static boolean available() {
    boolean installed = cli() != null;
    if (!installed && Boolean.parseBoolean(System.getenv("MAILROOM_REQUIRE_SES_EMULATOR"))) {
      throw new IllegalStateException(
          "MAILROOM_REQUIRE_SES_EMULATOR is set but aws-ses-v2-local is not installed"
              + " (npm ci --prefix local-infra/ses-emulator)");
    }
    return installed;
  }

  public static SesEmulator start() {
    Path cli = cli();
    if (cli == null) {
      throw new IllegalStateException(
          "aws-ses-v2-local is not installed (npm ci --prefix local-infra/ses-emulator)");
    }
    try {
      int port = Ports.freePort();
      Process process =
          new ProcessBuilder(
                  "node", cli.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      // A JVM that exits without closing the emulator must not leave it running.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      SesEmulator emulator = new SesEmulator(process, port);
      emulator.awaitHealthy();
      return emulator;
    } catch (IOException e) {
      throw new IllegalStateException("The SES emulator did not start", e);
    }
  }

  /** Where an SES v2 client sends its requests. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** What it took so far, as its {@code GET /store} answers: {@code {"emails": [...]}}. */
  public String store() {
    return get("/store");
  }

  /** Forgets what it took. */
  public void clear() {
    send(
        HttpRequest.newBuilder(endpoint().resolve("/clear-store"))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The SES emulator exited with " + process.exitValue());
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(endpoint().resolve("/health-check"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep();
    }
    close();
    throw new IllegalStateException("The SES emulator did not answer within " + START_TIMEOUT);
  }

  private String get(String path) {
    return send(HttpRequest.newBuilder(endpoint().resolve(path)).GET());
  }

  private String send(HttpRequest.Builder request) {
    try {
      return http.send(
              request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new IllegalStateException("The SES emulator did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The emulator's entry point, installed first if npm can do it; null where it cannot be had. */
  private static Path cli() {
    Path directory = packageDirectory();
    if (directory == null || !onPath("node")) {
      return null;
    }
    Path cli = directory.resolve(CLI);
    if (!Files.isRegularFile(cli) && onPath("npm")) {
      install(directory);
    }
    return Files.isRegularFile(cli) ? cli : null;
  }

  /** {@code local-infra/ses-emulator} of the checkout the tests run in, from any module. */
  private static Path packageDirectory() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("local-infra").resolve("ses-emulator");
      if (Files.isRegularFile(candidate.resolve("package.json"))) {
        return candidate;
      }
    }
    return null;
  }

  private static synchronized void install(Path directory) {
    try {
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!npm.waitFor(3, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
      }
    } catch (IOException e) {
      // Not installable here: the tests that need it are skipped, or fail where it is required.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** The message ids it answered with, oldest first, for tests that need no JSON parser. */
  public List<String> storedMessageIds() {
    Matcher matcher = MESSAGE_ID.matcher(store());
    List<String> ids = new ArrayList<>();
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }
}
