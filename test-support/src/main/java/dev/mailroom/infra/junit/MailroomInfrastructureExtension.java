package dev.mailroom.infra.junit;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts {@link TestInfrastructure} once per JVM and resolves it into test parameters. */
public final class MailroomInfrastructureExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MailroomInfrastructureExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestInfrastructure.class
        || type == InfrastructureEndpoints.class
        || type == EmbeddedMailServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestInfrastructure infrastructure = shared(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == InfrastructureEndpoints.class) {
      return infrastructure.endpoints();
    }
    if (type == EmbeddedMailServer.class) {
      return infrastructure.mailServer();
    }
    return infrastructure;
  }

  /** The JVM-wide instance; the root store closes it when the test plan finishes. */
  public static TestInfrastructure shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(
            "infrastructure", key -> TestInfrastructure.start(), TestInfrastructure.class);
  }
}
