package dev.mailroom.runtime.config;

import io.micrometer.context.ContextRegistry;
import java.util.List;
import org.slf4j.MDC;

/**
 * The ids every service puts on its log lines, and their registration with Micrometer's context
 * propagation: a value written into a Reactor {@code Context} under one of these keys is restored
 * into the logging context on whichever thread the pipeline continues (with {@code
 * spring.reactor.context-propagation=auto}), so a reactive request logs like a worker's record.
 */
public final class LogContextKeys {
  public static final String TENANT = "tenant_id";
  public static final String MAILBOX = "mailbox_id";
  public static final String CORRELATION = "correlation_id";
  public static final String TYPE = "event_type";
  public static final List<String> ALL = List.of(TENANT, MAILBOX, CORRELATION, TYPE);

  private LogContextKeys() {}

  /** Idempotent; called once per JVM before the first request. */
  public static synchronized void registerWithContextPropagation() {
    ContextRegistry registry = ContextRegistry.getInstance();
    for (String key : ALL) {
      registry.registerThreadLocalAccessor(
          key, () -> MDC.get(key), value -> MDC.put(key, value), () -> MDC.remove(key));
    }
  }
}
