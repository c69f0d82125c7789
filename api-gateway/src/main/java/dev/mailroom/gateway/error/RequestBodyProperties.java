package dev.mailroom.gateway.error;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How large a request body may be: an ordinary JSON body is small; a send or a reply carries its
 * attachments as base64 (25 MB of files is about 33.4 MB of base64), so those two routes take more.
 *
 * @param maxBodySize any route's body, except those below
 * @param maxMessageBodySize the body of the Access API's send and reply, which carry attachments
 */
@ConfigurationProperties("mailroom.gateway.request")
public record RequestBodyProperties(
    @DefaultValue("256KB") DataSize maxBodySize,
    @DefaultValue("35MB") DataSize maxMessageBodySize) {

  /** What the JSON decoder may buffer: the larger of the two. */
  public int decoderLimit() {
    return (int) Math.max(maxBodySize.toBytes(), maxMessageBodySize.toBytes());
  }
}
