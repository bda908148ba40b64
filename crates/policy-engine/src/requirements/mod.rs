//! `requirements.toml` documents, layers and constraints (spec §2).
