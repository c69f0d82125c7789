package dev.mailroom.model.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF address table: literal hosts only, so nothing leaves the machine. */
class TargetAddressPolicyTest {
  private final TargetAddressPolicy policy = new TargetAddressPolicy(List.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "198.18.0.1",
        "192.0.0.8",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fd00:ec2::254]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[64:ff9b::a00:1]",
        "[::127.0.0.1]",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "0x7f.0.0.1",
        "127.1",
        "017700000001"
      })
  void internalAndAmbiguousTargetsAreRefused(String host) {
    assertThatThrownBy(() -> policy.resolve(host)).isInstanceOf(RefusedTargetException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.216.34",
        "8.8.8.8",
        "[2606:4700:4700::1111]",
        "[::ffff:8.8.8.8]",
        "172.32.0.1",
        "100.128.0.1"
      })
  void publicAddressesAreAllowed(String host) throws Exception {
    assertThat(policy.resolve(host)).isNotEmpty();
  }

  @Test
  void mappedPublicAddressesAreStillNamedForWhatTheyAre() throws Exception {
    assertThat(TargetAddressPolicy.refusal(InetAddress.getByName("::ffff:8.8.8.8"))).isNull();
  }

  @Test
  void theAllowListLetsLocalDevelopmentThrough() throws Exception {
    TargetAddressPolicy local = new TargetAddressPolicy(List.of("127.0.0.1", "localhost"));
    assertThat(local.resolve("127.0.0.1")).isNotEmpty();
    assertThat(local.resolve("localhost")).isNotEmpty();
    assertThatThrownBy(() -> local.resolve("10.0.0.1")).isInstanceOf(RefusedTargetException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "https://user:pw@hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://169.254.169.254/latest/meta-data",
        "https://2130706433/x",
        "https://0x7f.1/x",
        "https://localhost:8443/x",
        "https://api.localhost/x",
        "/relative/path"
      })
  void subscriptionUrlsAreCheckedBeforeAnyLookup(String url) {
    assertThatThrownBy(() -> policy.checkUrl(java.net.URI.create(url)))
        .isInstanceOf(RefusedTargetException.class);
  }

  @Test
  void httpsToAPublicNameAndHttpToAnAllowListedHostPass() throws Exception {
    policy.checkUrl(java.net.URI.create("https://hooks.example.com:8443/mailroom?x=1"));
    policy.checkUrl(java.net.URI.create("https://93.184.216.34/hook"));
    new TargetAddressPolicy(List.of("localhost"))
        .checkUrl(java.net.URI.create("http://localhost:9000/hook"));
  }
}
