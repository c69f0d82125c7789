package dev.mailroom.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The SMTP relay every hosted mailbox sends through (ADR 27): an ISP's or a provider's smarthost,
 * SES's SMTP interface, or a local MTA. Unset, a send from a hosted mailbox fails as not
 * configured.
 *
 * @param host the relay's host; empty when there is none
 * @param security {@code tls} (implicit), {@code starttls} or {@code none}
 * @param username the relay's login; empty for a relay that takes mail without one
 */
@ConfigurationProperties("mailroom.hosted.relay")
public record HostedRelayProperties(
    @DefaultValue("") String host,
    @DefaultValue("587") int port,
    @DefaultValue("starttls") String security,
    @DefaultValue("") String username,
    @DefaultValue("") String password) {

  @Override
  public String toString() {
    return "HostedRelayProperties[" + host + ":" + port + ", " + security + "]";
  }
}
