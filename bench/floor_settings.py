"""Settings of the floor server: the same as the portal's under the bench, with the bare URLconf."""

from bench.server_settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
