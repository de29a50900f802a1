#ifndef HOPTRACE_CUNBOUND_SHIM_H
#define HOPTRACE_CUNBOUND_SHIM_H
#include <unbound.h>
#endif
