"""`python -m bot`: the same as the `pcibot` command."""

from bot.cli import main

raise SystemExit(main())
