"""Question answering over a knowledge graph: entities linked with an Aho-Corasick automaton over
the graph's names, intents from a keyword rule table (params), one parameterized Cypher template
per intent, and an answer in words — or an honest "I don't know" with what was recognised."""
