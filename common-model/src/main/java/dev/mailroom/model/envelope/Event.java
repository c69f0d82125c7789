package dev.mailroom.model.envelope;

/** Something that happened, named in the past tense. */
public interface Event extends Payload {}
