package dev.mailroom.store.blob;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Bodies, raw MIME and attachments in one S3 bucket, under keys from {@link BlobKeys}: each in an
 * object of its own, or as a range of a pack object that holds a batch's parts ({@link BlobRef}).
 */
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

  /**
   * One object holding many parts side by side, in the order given; each part is then read back by
   * the {@link BlobRef} range its caller worked out. The parts are sent as they are, not copied.
   */
  public Mono<Void> putPack(String key, List<byte[]> parts) {
    ByteBuffer[] buffers = parts.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
    return Mono.fromFuture(
            () ->
                s3.putObject(
                    b -> b.bucket(bucket).key(key).contentType("application/octet-stream"),
                    AsyncRequestBody.fromByteBuffersUnsafe(buffers)))
        .then();
  }

  /**
   * The bytes a reference names (a whole object, or a range of a pack: see {@link BlobRef}), or
   * empty when there is no such key.
   */
  public Mono<byte[]> get(String ref) {
    BlobRef at = BlobRef.parse(ref);
    if (at.isRange() && at.length() == 0) {
      return Mono.just(new byte[0]);
    }
    CompletableFuture<byte[]> future =
        s3.getObject(
                b -> {
                  b.bucket(bucket).key(at.key());
                  if (at.isRange()) {
                    b.range(at.httpRange());
                  }
                },
                AsyncResponseTransformer.toBytes())
            .thenApply(response -> response.asByteArray());
    return Mono.fromFuture(future).onErrorResume(NoSuchKeyException.class, e -> Mono.empty());
  }

  /** Whether an object is stored under this key (a HEAD: nothing is downloaded). */
  public Mono<Boolean> exists(String key) {
    return Mono.fromFuture(() -> s3.headObject(b -> b.bucket(bucket).key(key)))
        .thenReturn(true)
        .onErrorResume(BlobStore::isNotFound, e -> Mono.just(false));
  }

  /**
   * Copies an object within the bucket, on S3's side: its bytes never pass through here. False when
   * there is no object at {@code fromKey}.
   */
  public Mono<Boolean> copy(String fromKey, String toKey) {
    return Mono.fromFuture(
            () ->
                s3.copyObject(
                    b ->
                        b.sourceBucket(bucket)
                            .sourceKey(fromKey)
                            .destinationBucket(bucket)
                            .destinationKey(toKey)))
        .thenReturn(true)
        .onErrorResume(BlobStore::isNotFound, e -> Mono.just(false));
  }

  public Mono<Void> delete(String key) {
    return Mono.fromFuture(() -> s3.deleteObject(b -> b.bucket(bucket).key(key))).then();
  }

  /**
   * Deletes every object whose key starts with {@code prefix}, a page of up to 1,000 keys at a time
   * (the most one S3 request lists or deletes). Emits how many were deleted.
   */
  public Mono<Long> deletePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/")) {
      // An empty or partial segment would reach other tenants' or mailboxes' keys.
      return Mono.error(new IllegalArgumentException("Not a key prefix: " + prefix));
    }
    return deletePage(prefix, 0L);
  }

  private Mono<Long> deletePage(String prefix, long deletedSoFar) {
    // Always the first page: what it listed is deleted before the next listing.
    return Mono.fromFuture(() -> s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)))
        .flatMap(
            listing -> {
              if (listing.contents().isEmpty()) {
                return Mono.just(deletedSoFar);
              }
              List<ObjectIdentifier> keys =
                  listing.contents().stream()
                      .map(o -> ObjectIdentifier.builder().key(o.key()).build())
                      .toList();
              return Mono.fromFuture(
                      () ->
                          s3.deleteObjects(
                              b -> b.bucket(bucket).delete(d -> d.objects(keys).quiet(true))))
                  .flatMap(
                      response -> {
                        if (!response.errors().isEmpty()) {
                          return Mono.error(
                              new IllegalStateException(
                                  "S3 refused to delete "
                                      + response.errors().size()
                                      + " objects under "
                                      + prefix
                                      + ", first: "
                                      + response.errors().get(0).message()));
                        }
                        long total = deletedSoFar + keys.size();
                        return Boolean.TRUE.equals(listing.isTruncated())
                            ? deletePage(prefix, total)
                            : Mono.just(total);
                      });
            });
  }

  /** The keys under {@code prefix}, up to 1,000: for checks that something is gone. */
  public Mono<List<String>> keys(String prefix) {
    return Mono.fromFuture(() -> s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)))
        .map(listing -> listing.contents().stream().map(o -> o.key()).toList());
  }

  /** Cheap reachability check for health: the bucket exists and answers. */
  public Mono<Void> ping() {
    return Mono.fromFuture(() -> s3.headBucket(b -> b.bucket(bucket))).then();
  }

  // HEAD has no body, so a missing bucket may arrive as a bare 404 rather than NoSuchBucket.
  private static boolean isMissingBucket(Throwable e) {
    return cause(e) instanceof NoSuchBucketException || isNotFound(e);
  }

  /** A 404 of any kind: the SDK maps a HEAD's, which has no body, to no more specific type. */
  private static boolean isNotFound(Throwable e) {
    return cause(e) instanceof S3Exception s3e && s3e.statusCode() == 404;
  }

  /** The SDK's own exception, which a future wraps. */
  private static Throwable cause(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null
        ? e.getCause()
        : e;
  }
}
