#ifndef HOPTRACE_CMAXMINDDB_SHIM_H
#define HOPTRACE_CMAXMINDDB_SHIM_H
/* Types and constants only: libmaxminddb is opened at run time
   (HopTraceGeo/MaxMindLibrary.swift), not linked. */
#include <maxminddb.h>
#endif
