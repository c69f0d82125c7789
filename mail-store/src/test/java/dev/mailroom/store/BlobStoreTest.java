package dev.mailroom.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobRef;
import dev.mailroom.store.blob.BlobStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
  void eachPartOfAPackIsReadBackByItsRange(InfrastructureEndpoints endpoints) {
    BlobStore blobs = new BlobStore(StoreFixtures.s3(endpoints), "blob-store-test");
    blobs.ensureBucket().block();
    String key = BlobKeys.pack("t1", "m1", "pack_1");
    byte[] raw = "From: a@example.com\r\n\r\nhi".getBytes(StandardCharsets.UTF_8);
    byte[] empty = new byte[0];
    byte[] text = "h\u00e9llo".getBytes(StandardCharsets.UTF_8);
    blobs.putPack(key, List.of(raw, empty, text)).block();

    String rawRef = BlobRef.range(key, 0, raw.length).toString();
    String emptyRef = BlobRef.range(key, raw.length, 0).toString();
    String textRef = BlobRef.range(key, raw.length, text.length).toString();
    assertThat(rawRef).isEqualTo(key + "#0+" + raw.length);
    assertThat(blobs.get(rawRef).block()).isEqualTo(raw);
    assertThat(blobs.get(emptyRef).block()).isEmpty();
    assertThat(new String(blobs.get(textRef).block(), StandardCharsets.UTF_8))
        .isEqualTo("h\u00e9llo");
    assertThat(blobs.get(key).block()).hasSize(raw.length + text.length);
    assertThat(blobs.get(BlobRef.range(key + "-missing", 0, 3).toString()).blockOptional())
        .isEmpty();
  }

  @Test
  void aReferenceReadsAsWholeOrAsARangeAndNothingElse() {
    assertThat(BlobRef.parse("tenants/t1/x")).isEqualTo(BlobRef.whole("tenants/t1/x"));
    assertThat(BlobRef.parse("tenants/t1/x").isRange()).isFalse();
    assertThat(BlobRef.parse("tenants/t1/p#10+5")).isEqualTo(BlobRef.range("tenants/t1/p", 10, 5));
    assertThatThrownBy(() -> BlobRef.parse("tenants/t1/p#10"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobRef.parse("tenants/t1/p#-1+5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobRef.parse("tenants/t1/p#a+5"))
        .isInstanceOf(IllegalArgumentException.class);
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
