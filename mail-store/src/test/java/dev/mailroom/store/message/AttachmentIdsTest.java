package dev.mailroom.store.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttachmentIdsTest {

  @Test
  void anIdBelowAForwardedMessageNamesThatMessage() {
    assertThat(AttachmentIds.parentId("att_2_1")).isEqualTo("att_2");
    assertThat(AttachmentIds.parentId("att_2_1_3")).isEqualTo("att_2_1");
  }

  @Test
  void aTopLevelIdHasNoParent() {
    assertThat(AttachmentIds.parentId("att_2")).isNull();
    assertThat(AttachmentIds.parentId("att")).isNull();
    assertThat(AttachmentIds.parentId(null)).isNull();
  }
}
