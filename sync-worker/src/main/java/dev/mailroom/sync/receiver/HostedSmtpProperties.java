package dev.mailroom.sync.receiver;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Mailroom's own SMTP receiver for the hosted domains (ADR 27).
 *
 * @param enabled whether this replica listens; off unless the deployment hosts mailboxes
 * @param bindAddress the address to listen on
 * @param port the port to listen on (25 behind a load balancer in production; 0 picks a free one)
 * @param hostName the name in the greeting and in the {@code Received:} header it adds
 * @param maxMessageSize a larger message is refused with 552 while it is sent
 * @param maxRecipients recipients of one message; more are refused with 452
 * @param maxConnections connections at once; a further one is told 421 and tries later
 * @param maxConcurrentDeliveries messages being read and stored at once (each is held in memory);
 *     past that a sender is told 451 and retries later, which is how the receiver sheds load
 * @param maxTransferTime the longest one message's data may take to arrive; a sender slower than
 *     that (one trickling bytes to hold a delivery slot) loses its connection and retries later
 * @param connectionTimeout an idle connection is closed after this long
 * @param storeTimeout how long storing a message may take before the sender is told to retry
 */
@Validated
@ConfigurationProperties("mailroom.hosted.smtp")
public record HostedSmtpProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("0.0.0.0") String bindAddress,
    @DefaultValue("2525") @Min(0) @Max(65535) int port,
    @DefaultValue("localhost") String hostName,
    @DefaultValue("25MB") DataSize maxMessageSize,
    @DefaultValue("100") @Min(1) int maxRecipients,
    @DefaultValue("200") @Min(1) int maxConnections,
    @DefaultValue("16") @Min(1) int maxConcurrentDeliveries,
    @DefaultValue("10m") Duration maxTransferTime,
    @DefaultValue("60s") Duration connectionTimeout,
    @DefaultValue("30s") Duration storeTimeout) {}
