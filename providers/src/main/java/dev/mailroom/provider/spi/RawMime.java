package dev.mailroom.provider.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A message's raw RFC 822 bytes, held in memory when small and spooled to a file when large, so
 * that a mailbox of 50 MB messages costs disk rather than heap while it is synced. Whoever receives
 * one closes it once stored, which deletes a spool file.
 */
public sealed interface RawMime extends AutoCloseable permits RawMime.InMemory, RawMime.Spooled {

  static RawMime of(byte[] bytes) {
    return new InMemory(bytes);
  }

  /** A file this object now owns: it is deleted on {@link #close()}. */
  static RawMime spooled(Path file) {
    return new Spooled(file);
  }

  long size();

  /** A fresh stream over the bytes; the caller closes it. */
  InputStream open() throws IOException;

  /** Every byte in memory: for small messages, or where a copy is unavoidable. */
  byte[] bytes();

  @Override
  void close();

  record InMemory(byte[] content) implements RawMime {
    public InMemory {
      Objects.requireNonNull(content, "content");
    }

    @Override
    public long size() {
      return content.length;
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(content);
    }

    @Override
    public byte[] bytes() {
      return content;
    }

    @Override
    public void close() {}
  }

  record Spooled(Path file) implements RawMime {
    public Spooled {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public long size() {
      try {
        return Files.size(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public InputStream open() throws IOException {
      return Files.newInputStream(file);
    }

    @Override
    public byte[] bytes() {
      try {
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A spool file left behind is in the temporary directory, which the OS cleans.
      }
    }
  }
}
