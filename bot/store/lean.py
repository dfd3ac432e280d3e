"""sqlite-utils, imported without numpy and pandas.

sqlite-utils imports numpy and pandas at import time whenever they are installed, only to map their
number types to SQLite column types; the bot never stores either. matplotlib (the moderators'
charts) installs numpy, so every start-up paid for it: about 0.15 s of `cekfakta ask`, a third of
its imports. `bot.store` imports this module before anything else of its own, so sqlite-utils is
loaded while those two are hidden from it; both stay importable afterwards (the charts import
numpy when they draw). If something imported numpy earlier, nothing is hidden and nothing changes.
"""

from __future__ import annotations

import sys

HIDDEN = ("numpy", "pandas")

_absent = [name for name in HIDDEN if name not in sys.modules]
for _name in _absent:
    sys.modules[_name] = None  # type: ignore[assignment]  # `import numpy` now raises ImportError
try:
    import sqlite_utils  # noqa: F401  (loaded and cached in sys.modules; other modules import it as usual)
finally:
    for _name in _absent:
        if sys.modules.get(_name, 0) is None:
            del sys.modules[_name]
