"""The contracts stage's pages: quote and agreement documents with their signatures
(``documents``), and sales and service contracts (``contracts``)."""
