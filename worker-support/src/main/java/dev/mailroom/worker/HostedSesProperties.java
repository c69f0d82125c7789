package dev.mailroom.worker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Hosted mail sent through the SES v2 API instead of the SMTP relay (ADR 29).
 *
 * @param enabled whether hosted mailboxes send through SES; off, they use the relay
 * @param region the SES region, where the sending domains are verified
 * @param endpoint another endpoint than the region's (a VPC endpoint, or an SES emulator); empty
 *     for AWS's own
 * @param accessKeyId Mailroom's AWS key; empty to take credentials from the environment (instance
 *     role, {@code AWS_*} variables, profile)
 * @param configurationSet the configuration set whose event destination publishes delivery, bounce,
 *     complaint and reject events to the SNS topic Mailroom is subscribed to; empty for none, which
 *     leaves sent mail at {@code sent}
 * @param timeout how long one SendEmail call may take before its answer counts as lost
 */
@ConfigurationProperties("mailroom.hosted.ses")
public record HostedSesProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("us-east-1") String region,
    @DefaultValue("") String endpoint,
    @DefaultValue("") String accessKeyId,
    @DefaultValue("") String secretAccessKey,
    @DefaultValue("") String configurationSet,
    @DefaultValue("30s") Duration timeout) {

  @Override
  public String toString() {
    return "HostedSesProperties[" + enabled + ", " + region + ", " + endpoint + "]";
  }
}
