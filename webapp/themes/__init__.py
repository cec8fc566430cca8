"""The shared bilingual codebook. Management screens arrive with the codebook issue."""
