"""Events and stories: which articles report the same happening, and how happenings chain."""
