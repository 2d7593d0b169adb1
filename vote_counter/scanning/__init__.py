"""Reading scanned ballots (SPEC §11): images in, box scores and decisions out.

No Qt, no SQLAlchemy: services save what this layer reads. OpenCV, numpy, zxing-cpp and pypdfium2 are
imported by the modules that need them, and those modules are imported only when a scan starts, so other
commands and the window do not pay for them.
"""
