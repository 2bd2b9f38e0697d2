"""The curated knowledge base: article and office-fact files, and how they reach users."""
