"""Run stage: papermill runs of the notebooks, one per province and language."""
