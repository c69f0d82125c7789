package dev.mailroom.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, so a request path reaches the gateway exactly as written: client
 * libraries normalize or encode {@code /./}, {@code %61}, backslashes and {@code //}, which is what
 * an attacker's client does not do.
 */
public final class RawHttp {
  private final InetSocketAddress address;

  public RawHttp(InetSocketAddress address) {
    this.address = address;
  }

  public record Response(int status, String body) {}

  public Response call(String method, String rawPath, String bearer, String jsonBody) {
    byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(address.getHostString()).append(':');
    head.append(address.getPort()).append("\r\n");
    head.append("Connection: close\r\n");
    if (bearer != null) {
      head.append("Authorization: Bearer ").append(bearer).append("\r\n");
    }
    if (jsonBody != null) {
      head.append("Content-Type: application/json\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(address, 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          all.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // A server that refuses a request before reading its body may reset the connection
        // after answering; the answer has arrived by then.
        if (all.size() == 0) {
          throw e;
        }
      }
      String response = all.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int split = response.indexOf("\r\n\r\n");
      if (split < 0) {
        return new Response(status, "");
      }
      String headers = response.substring(0, split).toLowerCase(java.util.Locale.ROOT);
      String payload = response.substring(split + 4);
      return new Response(
          status, headers.contains("transfer-encoding: chunked") ? dechunk(payload) : payload);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + rawPath, e);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      if (lineEnd < 0) {
        return out.toString();
      }
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      // Sizes count bytes; the bodies here are ASCII JSON, where bytes and chars agree.
      out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
