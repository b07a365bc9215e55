"""peerjournal: a private reflection journal for peer supporters."""

__version__ = "0.1.0"
