package dev.mailroom.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback port helpers; port 0 always means "any free port". */
public final class Ports {
  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port", e);
    }
  }

  /** {@code port} itself, or a free one when it is 0. */
  public static int resolve(int port) {
    return port == 0 ? freePort() : port;
  }

  /** True when something accepts connections there; used to refuse a second copy on one port. */
  public static boolean inUse(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
