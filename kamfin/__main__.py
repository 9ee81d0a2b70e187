import sys

from kamfin.cli import main

sys.exit(main())
