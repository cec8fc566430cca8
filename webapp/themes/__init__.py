"""The shared bilingual codebook: models.py (Theme), services.py (tree, changes, merge, CSV),
refi_qda.py (REFI-QDA export) and routes.py, which holds the blueprint: the Finding model
imports Theme, so this package's __init__ must not load views that use findings."""
