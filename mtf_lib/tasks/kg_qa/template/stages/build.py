"""Build stage: the knowledge graph from graph.builders (into graph.path, or a Neo4j server) and
the QA bundle models/model that serves it; counts and build time to metrics/graph.json."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("build", __doc__, ("bundle", "metrics"))
