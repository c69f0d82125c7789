package dev.mailroom.benchmarks;

import dev.mailroom.benchmarks.faults.FaultCampaign;
import java.util.Arrays;

/**
 * Entry point: {@code send}, {@code webhooks}, {@code sync} or {@code faults}; each prints a table
 * to standard output.
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "send" : args[0];
    String[] rest = args.length == 0 ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
    switch (which) {
      case "send" -> SendBenchmark.run(rest);
      case "webhooks" -> WebhookBenchmark.run(rest);
      case "sync" -> SyncBenchmark.run(rest);
      case "faults" -> FaultCampaign.run(rest);
      default ->
          throw new IllegalArgumentException(
              "Unknown benchmark " + which + "; known: send, webhooks, sync, faults");
    }
    System.exit(0);
  }
}
