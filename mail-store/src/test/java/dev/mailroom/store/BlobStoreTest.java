package dev.mailroom.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@WithMailroomInfrastructure
class BlobStoreTest {

  @Test
  void createsTheBucketOnceAndStoresObjects(InfrastructureEndpoints endpoints) {
    BlobStore blobs = new BlobStore(StoreFixtures.s3(endpoints), "blob-store-test");
    blobs.ensureBucket().block();
    blobs.ensureBucket().block();
    String key = BlobKeys.rawMime("t1", "m1", "msg1");
    blobs.put(key, "raw".getBytes(StandardCharsets.UTF_8), "message/rfc822").block();

    assertThat(new String(blobs.get(key).block(), StandardCharsets.UTF_8)).isEqualTo("raw");
    assertThat(blobs.get(key + "-missing").blockOptional()).isEmpty();
    blobs.delete(key).block();
    assertThat(blobs.get(key).blockOptional()).isEmpty();
  }

  @Test
  void keysAreBuiltFromValidatedIdsOnly() {
    assertThat(BlobKeys.attachment("t1", "m1", "msg1", "att_1"))
        .isEqualTo("tenants/t1/mailboxes/m1/messages/msg1/attachments/att_1");
    assertThatThrownBy(() -> BlobKeys.attachment("t1", "m1", "msg1", "../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobKeys.rawMime("t1", "m 1", "msg1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
