package dev.mailroom.webhook.config;

import dev.mailroom.model.webhook.TargetAddressPolicy;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import dev.mailroom.webhook.delivery.DeliveryEngine;
import dev.mailroom.webhook.delivery.DuePoller;
import dev.mailroom.webhook.delivery.EndpointDirectory;
import dev.mailroom.webhook.delivery.EndpointHealth;
import dev.mailroom.webhook.delivery.RetryPolicy;
import dev.mailroom.webhook.delivery.WebhookHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the delivery pipeline; the classes themselves know nothing of Spring Boot. */
@Configuration(proxyBeanMethods = false)
class DispatcherConfiguration {
  /** How long an endpoint's settings are reused before being read again. */
  private static final Duration ENDPOINT_TTL = Duration.ofSeconds(1);

  @Bean
  RetryPolicy retryPolicy(WebhookDeliveryProperties properties) {
    return new RetryPolicy(
        properties.retrySchedule(),
        properties.jitter(),
        properties.retryAfterMax(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  @Bean(destroyMethod = "close")
  WebhookHttpClient webhookHttpClient(
      WebhookDeliveryProperties properties, TargetAddressPolicy policy, Clock clock) {
    return new WebhookHttpClient(properties, policy, clock);
  }

  @Bean
  EndpointDirectory endpointDirectory(
      WebhookEndpointRepository endpoints, CredentialCipher cipher, Clock clock) {
    return new EndpointDirectory(endpoints, cipher, clock, ENDPOINT_TTL);
  }

  @Bean
  EndpointHealth endpointHealth(
      WebhookEndpointRepository endpoints,
      EndpointDirectory directory,
      EnvelopePublisher publisher,
      WebhookDeliveryProperties properties) {
    return new EndpointHealth(endpoints, directory, publisher, properties.disableAfter());
  }

  @Bean
  DeliveryEngine deliveryEngine(
      WebhookDeliveryRepository deliveries,
      EndpointDirectory directory,
      EndpointHealth health,
      WebhookHttpClient http,
      RetryPolicy retries,
      WebhookDeliveryProperties properties,
      Clock clock,
      MeterRegistry meters) {
    return new DeliveryEngine(
        deliveries, directory, health, http, retries, properties, clock, meters);
  }

  @Bean
  DuePoller duePoller(
      WebhookDeliveryRepository deliveries,
      DeliveryEngine engine,
      WebhookDeliveryProperties properties,
      Clock clock) {
    return new DuePoller(deliveries, engine, properties, clock);
  }
}
