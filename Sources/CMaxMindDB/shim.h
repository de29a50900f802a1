#ifndef HOPTRACE_CMAXMINDDB_SHIM_H
#define HOPTRACE_CMAXMINDDB_SHIM_H
#include <maxminddb.h>
#endif
