import sys

from trajectoire.matching.cli import main

sys.exit(main())
