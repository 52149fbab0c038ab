"""Placeholder until the glossary generator is written."""
