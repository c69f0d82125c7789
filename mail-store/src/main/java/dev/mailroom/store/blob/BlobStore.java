package dev.mailroom.store.blob;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Bodies, raw MIME and attachments in one S3 bucket, under keys from {@link BlobKeys}. */
public class BlobStore {
  private final S3AsyncClient s3;
  private final String bucket;

  public BlobStore(S3AsyncClient s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  /** Creates the bucket if it is missing; safe to call from every replica at once. */
  public Mono<Void> ensureBucket() {
    return ping()
        .onErrorResume(
            BlobStore::isMissingBucket,
            e ->
                Mono.fromFuture(() -> s3.createBucket(b -> b.bucket(bucket)))
                    .then()
                    .onErrorResume(
                        BucketAlreadyOwnedByYouException.class, ignored -> Mono.empty()));
  }

  public Mono<Void> put(String key, byte[] content, String contentType) {
    return Mono.fromFuture(
            () ->
                s3.putObject(
                    b -> b.bucket(bucket).key(key).contentType(contentType),
                    AsyncRequestBody.fromBytes(content)))
        .then();
  }

  /** Streams a file to the object, so a large message never has to be in memory whole. */
  public Mono<Void> put(String key, Path file, String contentType) {
    return Mono.fromFuture(
            () ->
                s3.putObject(
                    b -> b.bucket(bucket).key(key).contentType(contentType),
                    AsyncRequestBody.fromFile(file)))
        .then();
  }

  /** The object's bytes, or empty when there is no such key. */
  public Mono<byte[]> get(String key) {
    CompletableFuture<byte[]> future =
        s3.getObject(b -> b.bucket(bucket).key(key), AsyncResponseTransformer.toBytes())
            .thenApply(response -> response.asByteArray());
    return Mono.fromFuture(future).onErrorResume(NoSuchKeyException.class, e -> Mono.empty());
  }

  public Mono<Void> delete(String key) {
    return Mono.fromFuture(() -> s3.deleteObject(b -> b.bucket(bucket).key(key))).then();
  }

  /** Cheap reachability check for health: the bucket exists and answers. */
  public Mono<Void> ping() {
    return Mono.fromFuture(() -> s3.headBucket(b -> b.bucket(bucket))).then();
  }

  // HEAD has no body, so a missing bucket may arrive as a bare 404 rather than NoSuchBucket.
  private static boolean isMissingBucket(Throwable e) {
    Throwable cause =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    return cause instanceof NoSuchBucketException
        || (cause instanceof S3Exception s3e && s3e.statusCode() == 404);
  }
}
