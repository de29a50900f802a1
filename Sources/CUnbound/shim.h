#ifndef HOPTRACE_CUNBOUND_SHIM_H
#define HOPTRACE_CUNBOUND_SHIM_H
/* Types and constants only: libunbound is opened at run time
   (HopTraceDNS/UnboundLibrary.swift), not linked. */
#include <unbound.h>
#endif
