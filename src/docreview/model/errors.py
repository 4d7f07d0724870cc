"""The model layer's errors, importable without loading the model layer (the CLI's rules path)."""


class ModelUnavailableError(RuntimeError):
    """The configured model cannot be loaded (the CLI exits 2 with this message)."""
