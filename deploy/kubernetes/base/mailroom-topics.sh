#!/usr/bin/env bash
# Creates (or checks) Mailroom's topics and each consumer group's dead-letter topic.
# BOOTSTRAP, PARTITIONS and REPLICATION come from the environment; names match Topics.java and
# ConsumerGroups.java. Re-running is safe: existing topics are left as they are.
set -euo pipefail
: "${BOOTSTRAP:?}" "${PARTITIONS:=6}" "${REPLICATION:=3}"
KAFKA_TOPICS=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}
topics=(
  mailroom.commands.send
  mailroom.commands.mailbox
  mailroom.events
  mailroom.commands.mailbox.mailroom-sync-worker.dlt
  mailroom.commands.send.mailroom-send-worker.dlt
  mailroom.events.mailroom-webhook-dispatcher.dlt
)
for topic in "${topics[@]}"; do
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
    --config min.insync.replicas=$(( REPLICATION > 1 ? 2 : 1 ))
done
"$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --describe --topic 'mailroom\..*'
