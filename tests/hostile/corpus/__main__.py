"""Write the corpus to a folder: python -m tests.hostile.corpus <folder>
(with DJANGO_SETTINGS_MODULE set, e.g. lms.settings.test)."""

import sys
from pathlib import Path

import django

django.setup()

from tests.hostile.corpus import write_corpus  # noqa: E402

write_corpus(Path(sys.argv[1]))
