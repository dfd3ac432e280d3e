"""`python -m bot` does what the `cekfakta` command does."""

from bot.cli import main

raise SystemExit(main())
