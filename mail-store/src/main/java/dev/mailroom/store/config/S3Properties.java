package dev.mailroom.store.config;

import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where bodies, raw MIME and attachments live.
 *
 * @param endpoint an S3-compatible endpoint (MinIO, Ceph, the embedded server); empty for AWS S3
 * @param accessKey empty to use the AWS default credentials chain (instance roles, env, profile)
 * @param pathStyle path-style addressing, which most S3-compatible servers need
 * @param publicEndpoint where clients reach S3 through the presigned download URLs the API hands
 *     out, when that differs from {@code endpoint} (an in-cluster name); empty: {@code endpoint}
 */
@Validated
@ConfigurationProperties("mailroom.s3")
public record S3Properties(
    URI endpoint,
    @NotBlank String region,
    String accessKey,
    String secretKey,
    @NotBlank String bucket,
    boolean pathStyle,
    URI publicEndpoint) {}
