"""What every app shares (see DESIGN.md's layout); imports nothing from the apps."""
