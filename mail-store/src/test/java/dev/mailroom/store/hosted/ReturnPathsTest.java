package dev.mailroom.store.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReturnPathsTest {
  private static final String MESSAGE = "msg_0123456789abcdef0123456789abcdef";
  private final ReturnPaths paths = new ReturnPaths("key-one".getBytes(StandardCharsets.UTF_8));

  @Test
  void aReturnPathNamesItsMessageOnTheMailboxsDomain() {
    String path = paths.of("Sales@Shop.Example", MESSAGE).orElseThrow();
    assertThat(path).startsWith("bounces+" + MESSAGE + ".").endsWith("@shop.example");
    // An SMTP local part is at most 64 octets (RFC 5321 4.5.3.1.1).
    assertThat(path.substring(0, path.indexOf('@'))).hasSizeLessThanOrEqualTo(64);
    assertThat(paths.messageId(path)).contains(MESSAGE);
    assertThat(paths.messageId(path.toUpperCase())).contains(MESSAGE);
  }

  @Test
  void onlyAddressesMadeWithTheKeyForThatDomainNameAMessage() {
    String path = paths.of("sales@shop.example", MESSAGE).orElseThrow();
    ReturnPaths otherDeployment = new ReturnPaths("key-two".getBytes(StandardCharsets.UTF_8));
    assertThat(otherDeployment.messageId(path)).isEmpty();
    assertThat(paths.messageId(path.replace("@shop.example", "@other.example"))).isEmpty();
    String otherMessage = path.replace(MESSAGE, "msg_ffffffffffffffffffffffffffffffff");
    assertThat(paths.messageId(otherMessage)).isEmpty();
    assertThat(paths.messageId("bounces+" + MESSAGE + "@shop.example")).isEmpty();
    assertThat(paths.messageId("sales@shop.example")).isEmpty();
  }

  @Test
  void anIdNotOfMailroomsFormKeepsTheMailboxsOwnAddress() {
    assertThat(paths.of("sales@shop.example", "not an id")).isEmpty();
    assertThat(paths.of("no-domain", MESSAGE)).isEmpty();
  }
}
