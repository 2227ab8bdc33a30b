"""Lab campaigns: from a lab's own measurements to its next experiments (``asepred suggest``; DESIGN.md,
"Campaigns")."""
