"""Findings and the people they come from. Capture screens arrive with the capture issue."""
