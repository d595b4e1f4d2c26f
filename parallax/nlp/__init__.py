"""NLP: sentences, tokens, entities (spaCy) and sentence embeddings."""
