#!/usr/bin/env bash
# Builds and runs a benchmark on embedded infrastructure (loopback only) and prints its table.
# Usage: benchmarks/run.sh send [accepted-sends] [rate-per-second] [seconds]
#        benchmarks/run.sh webhooks [events]
#        benchmarks/run.sh sync [messages]   (needs Dovecot: apt-get install dovecot-imapd)
#        benchmarks/run.sh faults [short|long] (needs Dovecot; each service a process of its own)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true -pl benchmarks -am
exec java -Xms512m -Xmx2g -XX:+UseSerialGC \
  -Dorg.springframework.boot.logging.LoggingSystem=none \
  -Dlogback.configurationFile=benchmarks/target/classes/benchmark-logback.xml \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.mailroom.benchmarks.Benchmarks "$@"
