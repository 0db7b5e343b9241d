"""The author's tools: check and its rules, graph, schema, scaffold, Twine import, author tests, explore."""
