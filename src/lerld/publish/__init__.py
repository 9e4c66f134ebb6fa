"""What is published, as plain values and view-models (no Flask): entity descriptions,
the dataset's dumps, VoID and index, the vocabulary documentation and page models."""
