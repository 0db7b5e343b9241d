"""What a person touches: the command line, the text player, the window and the workshop."""
