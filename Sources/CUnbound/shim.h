#ifndef HOPTRACE_CUNBOUND_SHIM_H
#define HOPTRACE_CUNBOUND_SHIM_H
/* Types and constants only: libunbound is opened at run time
   (HopTraceDNS/UnboundLibrary.swift), not linked. */
#include <unbound.h>

/* The type of each function UnboundLibrary looks up, taken from its declaration above
   (`__typeof__` names no symbol, so nothing is linked): the Swift table declared with these
   types calls each function exactly as the installed header declares it. */
typedef __typeof__(&ub_ctx_create) hoptrace_ub_ctx_create_fn;
typedef __typeof__(&ub_ctx_delete) hoptrace_ub_ctx_delete_fn;
typedef __typeof__(&ub_ctx_set_option) hoptrace_ub_ctx_set_option_fn;
typedef __typeof__(&ub_ctx_set_fwd) hoptrace_ub_ctx_set_fwd_fn;
typedef __typeof__(&ub_ctx_add_ta) hoptrace_ub_ctx_add_ta_fn;
typedef __typeof__(&ub_ctx_add_ta_file) hoptrace_ub_ctx_add_ta_file_fn;
typedef __typeof__(&ub_ctx_async) hoptrace_ub_ctx_async_fn;
typedef __typeof__(&ub_resolve) hoptrace_ub_resolve_fn;
typedef __typeof__(&ub_resolve_async) hoptrace_ub_resolve_async_fn;
typedef __typeof__(&ub_process) hoptrace_ub_process_fn;
typedef __typeof__(&ub_fd) hoptrace_ub_fd_fn;
typedef __typeof__(&ub_cancel) hoptrace_ub_cancel_fn;
typedef __typeof__(&ub_resolve_free) hoptrace_ub_resolve_free_fn;
typedef __typeof__(&ub_strerror) hoptrace_ub_strerror_fn;
#endif
