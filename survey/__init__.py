"""Survey intake and storage: surveys, responses and uploads from 问卷星, KoboToolbox, ODK, CSV, Excel and JSON Lines."""
