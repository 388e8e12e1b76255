"""Task-independent training: Trainer, checkpoints, callbacks, devices, distributed runs."""
