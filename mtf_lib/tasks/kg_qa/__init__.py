"""The kg_qa task type: a knowledge graph built from data sets or a crawl, and question
answering over it (entity linking, intent rules, parameterized Cypher templates)."""
