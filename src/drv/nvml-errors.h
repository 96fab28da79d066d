/* nvml-errors.h - NVML return codes as names, meanings and fact statuses.
 *
 * The table is KB_NVML_CODES in kb/kb-codes.h. Returned strings
 * are static; the describe functions return owned strings. */
#pragma once

#include "nvml-types.h"
#include "snap/snap.h"

/* Our own code, outside NVML's range, for "the driver lacks this symbol". */
#define NVML_ERRORS_NO_SYMBOL 0x7fff0000u

/* "NVML_ERROR_GPU_IS_LOST", or NULL for a code NVML does not define. */
const char *nvml_errors_name(nvmlReturn_t r);
/* "the GPU fell off the bus ...", or NULL for an unknown code. */
const char *nvml_errors_meaning(nvmlReturn_t r);
/* The status a fact gets when its call returned r: NOT_SUPPORTED and a
 * missing symbol give FACT_UNSUPPORTED, NO_PERMISSION FACT_DENIED,
 * TIMEOUT FACT_TIMEOUT, anything else FACT_ERROR. */
enum fact_st nvml_errors_status(nvmlReturn_t r);
/* The short reason stored with a failed fact: the code's name, "not in
 * this driver", or "NVML error N". Returns an owned string. */
char *nvml_errors_why(nvmlReturn_t r);
/* "NVML_ERROR_LIB_RM_VERSION_MISMATCH (18): driver/library version
 * mismatch", for a failure that stops the whole probe. Owned. */
char *nvml_errors_describe(nvmlReturn_t r);
