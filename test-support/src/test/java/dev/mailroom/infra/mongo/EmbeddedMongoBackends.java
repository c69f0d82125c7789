package dev.mailroom.infra.mongo;

import java.nio.file.Path;

/** The embedded server on the backend a parameterized test names: "memory" or "disk". */
final class EmbeddedMongoBackends {
  private EmbeddedMongoBackends() {}

  static EmbeddedMongo start(String backend, Path dataDir) {
    return backend.equals("memory")
        ? EmbeddedMongo.inMemory("127.0.0.1", 0)
        : EmbeddedMongo.onDisk(dataDir, "127.0.0.1", 0);
  }
}
