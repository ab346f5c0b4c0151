"""Site stage: the executed notebooks rendered into the static bilingual site."""
