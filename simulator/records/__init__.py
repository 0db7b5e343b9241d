"""What is kept: the data folder, the runs database, run logs on disk, the scenario cards cache, sending to an LRS."""
