package dev.mailroom.runtime.kafka;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.kafka.core.ConsumerPostProcessor;

/**
 * Kafka static group membership for a replica named by {@code mailroom.kafka.instance-id}.
 *
 * <p>A dynamic member that is killed never leaves its group: its partitions stay with it until the
 * broker gives up on its session ({@code session.timeout.ms}, 45 s), and the replica that replaces
 * it waits in a rebalance until then. A static member that comes back under the same {@code
 * group.instance.id} takes its place and its partitions at once, without a rebalance.
 *
 * <p>The id of each consumer is the replica's, then its binding's name ({@link ConsumerBindings}
 * sets it), so the services of one JVM (the quick start) and the bindings of one service never
 * share one; Spring Kafka then appends {@code -n} for each consumer of a binding with a concurrency
 * above 1. Two processes configured with the same replica id fence each other, hence no default.
 */
public final class StaticMembership {
  /** Whether a replica id is configured: a property that is set and not blank. */
  static final String CONFIGURED = "'${mailroom.kafka.instance-id:}'.trim() != ''";

  private StaticMembership() {}

  static boolean configured(String instanceId) {
    return instanceId != null && !instanceId.isBlank();
  }

  /**
   * Kafka accepts letters, digits, '.', '_' and '-' in an instance id; anything else becomes '_'.
   */
  static String groupInstanceId(String instanceId, String bindingName) {
    return (instanceId + "-" + bindingName).replaceAll("[^a-zA-Z0-9._-]", "_");
  }

  /**
   * Makes an orderly close leave the group, as a dynamic member's does. A static member otherwise
   * stays in the group after it stopped, and a replica that is stopped for good (scaled down, or
   * replaced by a rolling update under a new pod name) would hold its partitions for a whole
   * session. Only a crash, which closes nothing, leaves the member for its successor to take over.
   */
  public static ConsumerPostProcessor<Object, Object> leaveGroupOnClose() {
    return StaticMembership::leavingOnClose;
  }

  @SuppressWarnings("unchecked")
  private static Consumer<Object, Object> leavingOnClose(Consumer<Object, Object> consumer) {
    CloseOptions.GroupMembershipOperation leave = CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().equals("unsubscribe") && (args == null || args.length == 0)) {
            // A listener container unsubscribes just before it closes. For a static member that
            // forgets the member id without leaving, after which close could not leave either;
            // the close revokes the partitions as unsubscribing would have, and then leaves.
            return null;
          }
          if (method.getName().equals("close")) {
            if (args == null || args.length == 0) {
              consumer.close(CloseOptions.groupMembershipOperation(leave));
              return null;
            }
            if (args.length == 1 && args[0] instanceof Duration timeout) {
              consumer.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(leave));
              return null;
            }
          }
          try {
            return method.invoke(consumer, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Consumer<Object, Object>)
        Proxy.newProxyInstance(
            StaticMembership.class.getClassLoader(), new Class<?>[] {Consumer.class}, handler);
  }
}
