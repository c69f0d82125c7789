package dev.mailroom.runtime.kafka;

import dev.mailroom.runtime.config.RuntimeClockAutoConfiguration;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.cloud.function.cloudevent.CloudEventsFunctionExtensionConfiguration;
import org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration;
import org.springframework.cloud.stream.binder.kafka.config.ExtendedBindingHandlerMappingsProviderConfiguration;
import org.springframework.cloud.stream.config.BindingServiceConfiguration;
import org.springframework.cloud.stream.function.FunctionConfiguration;

/**
 * What a test service needs to consume through a Spring Cloud Stream function binding, as the
 * workers do: Kafka, the function catalog and bindings, and this module's runtime configuration.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ImportAutoConfiguration({
  KafkaAutoConfiguration.class,
  IntegrationAutoConfiguration.class,
  RuntimeClockAutoConfiguration.class,
  RuntimeKafkaAutoConfiguration.class,
  ContextFunctionCatalogAutoConfiguration.class,
  CloudEventsFunctionExtensionConfiguration.class,
  FunctionConfiguration.class,
  BindingServiceConfiguration.class,
  ExtendedBindingHandlerMappingsProviderConfiguration.class
})
@interface ConsumerBindingTestApp {}
