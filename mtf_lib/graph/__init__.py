"""Knowledge graphs: a schema declared in params, one small store interface with two backends
(ladybug, embedded, the default; Neo4j through its official driver), builders that load records
in batches with parameterized statements, and question answering over the graph (``qa``)."""
