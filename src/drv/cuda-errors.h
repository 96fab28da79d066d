/* cuda-errors.h - CUDA driver API return codes as names, meanings and fact
 * statuses (table: KB_CUDA_CODES in kb/kb-codes.h). Returned names are
 * static; the why/describe functions return owned strings. */
#pragma once

#include "cuda-types.h"
#include "snap/snap.h"

/* Our own code, outside CUDA's range, for "the driver lacks this symbol". */
#define CUDA_ERRORS_NO_SYMBOL 0x7fff0000u

/* "CUDA_ERROR_NO_DEVICE", or NULL for a code not in our table. */
const char *cuda_errors_name(CUresult r);
const char *cuda_errors_meaning(CUresult r);
/* NOT_SUPPORTED and a missing symbol give FACT_UNSUPPORTED, NOT_PERMITTED
 * FACT_DENIED, TIMEOUT FACT_TIMEOUT, anything else FACT_ERROR. */
enum fact_st cuda_errors_status(CUresult r);
/* The short reason of a failed fact. other_name is what the library's own
 * cuGetErrorName said (may be NULL); it names codes newer than our table. */
char *cuda_errors_why(CUresult r, const char *other_name);
/* "CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected". */
char *cuda_errors_describe(CUresult r, const char *other_name);
