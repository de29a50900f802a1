#ifndef HOPTRACE_CGRAPHVIZ_SHIM_H
#define HOPTRACE_CGRAPHVIZ_SHIM_H
/* Types and constants only: the executable does not link Graphviz, it opens libgvc and
   libcgraph at the first drawing (HopTraceGraphviz/GraphvizLibrary.swift). A function or
   variable named here directly (such as `Agdirected`) is an undefined symbol at link time;
   look it up through DynamicLibrary instead. */
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
#endif
