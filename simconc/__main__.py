import sys

from _simconc_launcher import main

sys.exit(main())
