#!/usr/bin/env python
"""Django's command-line utility for Venster (installed, the same is `venster`)."""

from config.manage import main

if __name__ == "__main__":
    main()
