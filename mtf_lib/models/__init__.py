"""Plain ``nn.Module`` models, testable without a trainer; factories live in the registry."""
