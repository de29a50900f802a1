#ifndef HOPTRACE_CGRAPHVIZ_SHIM_H
#define HOPTRACE_CGRAPHVIZ_SHIM_H
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
/* Swift 6 rejects reading the C global `Agdirected` as not concurrency-safe;
   an accessor returns a copy instead. */
static inline Agdesc_t hoptrace_agdirected(void) { return Agdirected; }
#endif
