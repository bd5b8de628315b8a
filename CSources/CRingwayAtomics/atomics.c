// Everything is `static inline` in include/CRingwayAtomics.h; SwiftPM wants
// at least one source file per C target.
#include "CRingwayAtomics.h"
