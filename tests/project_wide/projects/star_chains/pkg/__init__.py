"""Re-exports its modules through two star imports: pkg -> mid -> blocks."""

from .mid import *  # noqa: F403
