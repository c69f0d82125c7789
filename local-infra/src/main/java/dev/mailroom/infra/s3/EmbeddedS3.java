package dev.mailroom.infra.s3;

import dev.mailroom.infra.InfrastructureEndpoints.S3Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3-compatible server (S3Proxy) with AWS V4 authentication, on the file system for the quick
 * start and in memory for tests. Clients use path-style addressing.
 */
public final class EmbeddedS3 implements AutoCloseable {
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final S3Endpoint endpoint;

  private EmbeddedS3(
      org.gaul.s3proxy.blobstore.BlobStore store,
      String host,
      int port,
      String accessKey,
      String secretKey) {
    this.proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://" + host + ":" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting S3", e);
    } catch (Exception e) {
      throw new IllegalStateException("S3 server did not start on " + host + ":" + port, e);
    }
    this.endpoint =
        new S3Endpoint("http://" + host + ":" + proxy.getPort(), REGION, accessKey, secretKey);
  }

  public static EmbeddedS3 inMemory(String host, int port, String accessKey, String secretKey) {
    return new EmbeddedS3(new TransientNio2BlobStore(), host, port, accessKey, secretKey);
  }

  public static EmbeddedS3 onDisk(
      Path dir, String host, int port, String accessKey, String secretKey) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EmbeddedS3(
        new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()),
        host,
        port,
        accessKey,
        secretKey);
  }

  public S3Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3 server did not stop cleanly", e);
    }
  }
}
