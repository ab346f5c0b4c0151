"""Assess stage: will each target be met? Forecasts, intervals and statuses."""
