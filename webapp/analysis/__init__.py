"""Theme analysis: the findings browser with search and bulk tagging, the evidence matrix
and theme suggestions.

The blueprint lives in `routes.py` (not here), so that importing a model or the text
helpers of this package never pulls in the views.
"""
