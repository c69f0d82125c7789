#!/usr/bin/env bash
# Starts the whole Mailroom suite on embedded infrastructure: builds first when needed (first run,
# or sources changed since the last build), then runs until Ctrl-C. Options: --name=value, e.g.
# --gateway-port=9090 --data-dir=/tmp/mailroom (see LocalStackMain for the list).
set -euo pipefail
cd "$(dirname "$0")"

classpath_file=local-stack/target/classpath.txt
changed=""
if [ -f "$classpath_file" ]; then
  changed=$(find . -path ./.mailroom -prune -o -path '*/target' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -name '*.yaml' -o -name '*.xml' \) \
    -newer "$classpath_file" -print -quit)
fi
if [ ! -f "$classpath_file" ] || [ -n "$changed" ]; then
  echo "Building Mailroom (first run or sources changed) ..."
  ./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
  touch "$classpath_file"
fi

exec java -Xms256m -Xmx1g -XX:+UseSerialGC \
  -cp "local-stack/target/classes:$(cat "$classpath_file")" \
  dev.mailroom.localstack.LocalStackMain "$@"
