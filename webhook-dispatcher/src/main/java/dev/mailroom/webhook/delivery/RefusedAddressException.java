package dev.mailroom.webhook.delivery;

import java.net.UnknownHostException;

/**
 * Thrown from DNS resolution when the target policy refuses an address, so the HTTP client never
 * opens the connection; an {@link UnknownHostException} because that is what its resolver may
 * throw.
 */
class RefusedAddressException extends UnknownHostException {
  RefusedAddressException(String message) {
    super(message);
  }
}
