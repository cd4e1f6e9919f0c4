"""Shared logistics hubs and bundled pickups."""
