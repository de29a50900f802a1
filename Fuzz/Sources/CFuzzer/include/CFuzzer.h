#ifndef HOPTRACE_CFUZZER_H
#define HOPTRACE_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): parses libFuzzer's flags from
   argc/argv and calls `callback` once per input; returns the process's exit status. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
