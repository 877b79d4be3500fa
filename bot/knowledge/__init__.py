"""The lookup knowledge base: directives, lists and conferences, loaded from YAML."""
