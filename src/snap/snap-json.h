/* snap-json.h - the snapshot's versioned JSON form (doctor --save/--from).
 *
 * A fact that is FACT_OK is written as its value; any other fact is written
 * as null and listed in the enclosing object's "unavailable" map as
 * "status: reason", so consumers see stable types. docs/json-schema.md
 * describes the format. */
#pragma once

#include <jansson.h>

#include "snap.h"

/* Returns a new reference to the snapshot as a JSON object. */
json_t *snap_to_json(const struct snapshot *s);
/* Fills s (initialised by the caller) from JSON. On malformed input returns
 * -EBADMSG with an owned message naming the bad field in *reterr. */
int snap_from_json(json_t *j, struct snapshot *s, char **reterr);

/* Per-GPU object, used by the driver worker to stream GPUs one by one. */
json_t *snap_gpu_to_json(const struct snap_gpu *g);
int snap_gpu_from_json(json_t *j, struct snap_gpu *g, char **reterr);
json_t *snap_nvml_to_json(const struct snap_nvml *n);
int snap_nvml_from_json(json_t *j, struct snap_nvml *n, char **reterr);
json_t *snap_cuda_to_json(const struct snap_cuda *c);
int snap_cuda_from_json(json_t *j, struct snap_cuda *c, char **reterr);
json_t *snap_cuda_dev_to_json(const struct snap_cuda_dev *d);
int snap_cuda_dev_from_json(json_t *j, struct snap_cuda_dev *d, char **reterr);

/* The topology section alone (the NVML worker's "topo" record). */
json_t *snap_topo_to_json(const struct snap_topo *t);
int snap_topo_from_json(json_t *j, struct snap_topo *t, char **reterr);

/* The bench section's records (bench's worker writes them, its parent reads
 * them back). Reading is strict: a key missing from the record is an error
 * (-EBADMSG, an owned message naming it), never a 0. */
json_t *snap_bench_gpu_to_json(const struct snap_bench_gpu *v);
int snap_bench_gpu_from_record(json_t *j, struct snap_bench_gpu *v, char **reterr);
json_t *snap_bench_pair_to_json(const struct snap_bench_pair *v);
int snap_bench_pair_from_record(json_t *j, struct snap_bench_pair *v, char **reterr);
json_t *snap_bench_gemm_to_json(const struct snap_bench_gemm *v);
int snap_bench_gemm_from_record(json_t *j, struct snap_bench_gemm *v, char **reterr);
json_t *snap_bench_ar_size_to_json(const struct snap_bench_ar_size *v);
int snap_bench_ar_size_from_record(json_t *j, struct snap_bench_ar_size *v, char **reterr);
json_t *snap_bench_skip_to_json(const struct snap_bench_skip *v);
int snap_bench_skip_from_record(json_t *j, struct snap_bench_skip *v, char **reterr);
/* The plan alone, as bench's report shows it. */
json_t *snap_bench_plan_to_json(const struct snap_bench_plan *p);

/* The prove section's records (src/prove/prove.py prints them, the runner
 * reads them back strictly, like bench's), and the section alone for
 * prove's --json report. */
json_t *snap_prove_torch_to_json(const struct snap_prove_torch *v);
int snap_prove_torch_from_record(json_t *j, struct snap_prove_torch *v, char **reterr);
json_t *snap_prove_gpu_to_json(const struct snap_prove_gpu *v);
int snap_prove_gpu_from_record(json_t *j, struct snap_prove_gpu *v, char **reterr);
json_t *snap_prove_step_to_json(const struct snap_prove_step *v);
int snap_prove_step_from_record(json_t *j, struct snap_prove_step *v, char **reterr);
json_t *snap_prove_to_json(const struct snap_prove *p);
