package dev.mailroom.benchmarks.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * A JVM of the campaign's own: a Mailroom service or an embedded server, on this one's class path,
 * logging to a file that survives its restarts. Killed the way an orchestrator or the kernel kills
 * (SIGKILL), or stopped and started again with the same arguments.
 */
final class ChildJvm implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  final String name;
  private final List<String> command;
  private final Path log;
  private final String readiness;
  private Process process;

  /**
   * @param readiness a URL answering 200 once the process is ready, or null to wait for a line
   *     {@code READY} on its output
   */
  ChildJvm(
      String name, String heap, String mainClass, List<String> args, Path log, String readiness) {
    this.name = name;
    this.log = log;
    this.readiness = readiness;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    // Eight JVMs share two cores here: the C1 compiler alone starts them in a fraction of the CPU.
    command.add("-XX:TieredStopAtLevel=1");
    // The services' own log file (the quick start's logback.xml), beside this process's output.
    command.add("-Dmailroom.log.file=" + log.resolveSibling(name + ".full.log"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    this.command = List.copyOf(command);
  }

  /** Starts the process and returns once it is ready. */
  ChildJvm start(Duration timeout) {
    try {
      Files.createDirectories(log.getParent());
      long from = Files.exists(log) ? Files.size(log) : 0;
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited at start; see " + log);
        }
        if (ready(from)) {
          return this;
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean ready(long logOffset) throws IOException, InterruptedException {
    if (readiness == null) {
      String output = Files.readString(log);
      return output.length() > logOffset && output.substring((int) logOffset).contains("READY");
    }
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(readiness)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye, as in a crash. */
  void kill() {
    if (process != null) {
      process.destroyForcibly();
      await();
    }
  }

  /** SIGTERM, as an orchestrator stops a server, then waits for it to exit. */
  void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      await();
    }
  }

  private void await() {
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
