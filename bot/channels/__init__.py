"""Channel adapters: turn platform events into Incoming and Outgoing into platform calls."""
