"""Publication-quality figures. Import the submodule you need; matplotlib loads only then."""
