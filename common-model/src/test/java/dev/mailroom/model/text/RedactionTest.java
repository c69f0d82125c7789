package dev.mailroom.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void addressesAreRemovedAndTheRestKept() {
    assertThat(Redaction.addresses("Connect to imap.corp.example/10.0.3.7:993 failed"))
        .isEqualTo("Connect to imap.corp.example/[address] failed");
    assertThat(Redaction.addresses("connection refused: /[fd00::12]:465"))
        .isEqualTo("connection refused: /[address]");
    assertThat(Redaction.addresses("resolves to 2001:db8:0:0:0:0:0:1 (documentation)"))
        .isEqualTo("resolves to [address] (documentation)");
    assertThat(Redaction.addresses("Read timed out at 10:15:30 after 30000 ms (v1.2.3)"))
        .isEqualTo("Read timed out at 10:15:30 after 30000 ms (v1.2.3)");
    assertThat(Redaction.addresses(null)).isNull();
  }
}
