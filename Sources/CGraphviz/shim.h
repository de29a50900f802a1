#ifndef HOPTRACE_CGRAPHVIZ_SHIM_H
#define HOPTRACE_CGRAPHVIZ_SHIM_H
/* Types and constants only: the executable does not link Graphviz, it opens libgvc and
   libcgraph at the first drawing (HopTraceGraphviz/GraphvizLibrary.swift). A function or
   variable named here directly (such as `Agdirected`) is an undefined symbol at link time;
   look it up through DynamicLibrary instead. */
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>

/* The type of each function GraphvizLibrary looks up, taken from its declaration above:
   `__typeof__` names no symbol, so nothing is linked, and the Swift table declared with these
   types calls each function exactly as the installed header declares it (gvRenderData's
   length is `unsigned int *` in Graphviz 2.42 and `size_t *` from 13.0 on). */
typedef __typeof__(&gvContext) hoptrace_gvContext_fn;
typedef __typeof__(&gvLayout) hoptrace_gvLayout_fn;
typedef __typeof__(&gvRenderData) hoptrace_gvRenderData_fn;
typedef __typeof__(&gvFreeRenderData) hoptrace_gvFreeRenderData_fn;
typedef __typeof__(&agmemread) hoptrace_agmemread_fn;
typedef __typeof__(&agclose) hoptrace_agclose_fn;
typedef __typeof__(&agseterr) hoptrace_agseterr_fn;
typedef __typeof__(&aglasterr) hoptrace_aglasterr_fn;
typedef __typeof__(&agreseterrors) hoptrace_agreseterrors_fn;
#endif
