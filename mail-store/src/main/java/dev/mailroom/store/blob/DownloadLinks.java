package dev.mailroom.store.blob;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned S3 URLs a client downloads a stored object from directly, without the gateway in the
 * middle: the object is served as an attachment under its own file name and type, and the URL stops
 * working after {@link #VALID_FOR}. Only whole objects can be named (see {@link BlobRef}).
 */
public class DownloadLinks {
  /** How long a handed-out URL works: long enough to start a download, short enough to leak. */
  public static final Duration VALID_FOR = Duration.ofMinutes(15);

  private final S3Presigner presigner;
  private final String bucket;

  public DownloadLinks(S3Presigner presigner, String bucket) {
    this.presigner = presigner;
    this.bucket = bucket;
  }

  /**
   * @param contentDisposition the header S3 answers with, which makes a browser save the file
   *     instead of showing it on S3's origin
   */
  public URI link(String key, String contentType, String contentDisposition) {
    BlobRef ref = BlobRef.parse(key);
    if (ref.isRange()) {
      throw new IllegalArgumentException("A presigned URL names a whole object, not " + key);
    }
    return URI.create(
        presigner
            .presignGetObject(
                presign ->
                    presign
                        .signatureDuration(VALID_FOR)
                        .getObjectRequest(
                            get ->
                                get.bucket(bucket)
                                    .key(ref.key())
                                    .responseContentType(contentType)
                                    .responseContentDisposition(contentDisposition)))
            .url()
            .toString());
  }
}
