"""The core: errors, the YAML reader, model, guards, loader and engine. Pure: no pygame, Flask or sqlite3, no clock, no printing."""
