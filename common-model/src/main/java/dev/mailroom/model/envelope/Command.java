package dev.mailroom.model.envelope;

/** A request for a worker to do something; {@link #commandId()} makes redelivery harmless. */
public interface Command extends Payload {
  String commandId();
}
