#ifndef HOPTRACE_CMAXMINDDB_SHIM_H
#define HOPTRACE_CMAXMINDDB_SHIM_H
/* Types and constants only: libmaxminddb is opened at run time
   (HopTraceGeo/MaxMindLibrary.swift), not linked. */
#include <maxminddb.h>

/* The type of each function MaxMindLibrary looks up, taken from its declaration above
   (`__typeof__` names no symbol, so nothing is linked): the Swift table declared with these
   types calls each function exactly as the installed header declares it. */
typedef __typeof__(&MMDB_open) hoptrace_MMDB_open_fn;
typedef __typeof__(&MMDB_close) hoptrace_MMDB_close_fn;
typedef __typeof__(&MMDB_lookup_sockaddr) hoptrace_MMDB_lookup_sockaddr_fn;
typedef __typeof__(&MMDB_aget_value) hoptrace_MMDB_aget_value_fn;
typedef __typeof__(&MMDB_get_entry_data_list) hoptrace_MMDB_get_entry_data_list_fn;
typedef __typeof__(&MMDB_free_entry_data_list) hoptrace_MMDB_free_entry_data_list_fn;
typedef __typeof__(&MMDB_strerror) hoptrace_MMDB_strerror_fn;
#endif
