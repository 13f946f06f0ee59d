import sys

from trajectoire.schemes.cli import main

sys.exit(main())
