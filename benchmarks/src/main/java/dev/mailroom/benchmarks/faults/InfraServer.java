package dev.mailroom.benchmarks.faults;

import dev.mailroom.infra.mongo.EmbeddedMongo;
import dev.mailroom.infra.s3.EmbeddedS3;
import java.nio.file.Path;

/**
 * One embedded server as a process of its own, so the fault campaign can stop it and start it again
 * on the same port and data: {@code mongo <dir> <host> <port>} or {@code s3 <dir> <host> <port>
 * <access-key> <secret-key>}. Prints {@code READY} once listening, then serves until killed.
 */
public final class InfraServer {
  private InfraServer() {}

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[1]);
    String host = args[2];
    int port = Integer.parseInt(args[3]);
    AutoCloseable server =
        switch (args[0]) {
          case "mongo" -> EmbeddedMongo.onDisk(dir, host, port);
          case "s3" -> EmbeddedS3.onDisk(dir, host, port, args[4], args[5]);
          default -> throw new IllegalArgumentException("mongo or s3, not " + args[0]);
        };
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("Stopping: " + e);
                  }
                }));
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
