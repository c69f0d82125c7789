package dev.mailroom.gateway.openapi;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Which test classes this JVM's test run contains, so that {@link StatusCoverageTest} can tell a
 * whole-module run (where every documented status must have been seen) from a run of a few tests.
 * Registered with the JUnit Platform through {@code META-INF/services}.
 */
public class TestRun implements TestExecutionListener {
  private static final Set<String> CLASSES = ConcurrentHashMap.newKeySet();

  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    for (TestIdentifier root : plan.getRoots()) {
      collect(plan, root);
    }
  }

  private static void collect(TestPlan plan, TestIdentifier identifier) {
    identifier
        .getSource()
        .filter(ClassSource.class::isInstance)
        .map(source -> ((ClassSource) source).getClassName())
        .ifPresent(CLASSES::add);
    for (TestIdentifier child : plan.getChildren(identifier)) {
      collect(plan, child);
    }
  }

  static Set<String> classes() {
    return Set.copyOf(CLASSES);
  }
}
