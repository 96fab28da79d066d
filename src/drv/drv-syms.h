/* drv-syms.h - the macros that expand a library's symbol list and constant
 * lists (nvml-syms.h, cuda-syms.h, nvml-types.h, cuda-types.h).
 *
 * A symbol list row is
 *
 *     X(field, REQUIRED|OPTIONAL, return type, (parameter types), name, [older name])
 *
 * with the exported names as bare identifiers, newest first. The same row
 * becomes a member of the function-pointer struct (DRV_API_FIELD), an entry
 * of the struct dl_sym_spec[] handed to sys_dl_resolve (DRV_SYM_NAMES), the
 * prototypes the fake libraries must define, and a prototype check against
 * NVIDIA's own header in tests/unit/test-drv-layout.c.
 *
 * A constant list row is X(NAME, value, "meaning"). DRV_CONST lets the
 * layout test give our copies another name while NVIDIA's header is in the
 * same translation unit; everywhere else it is the plain name. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define REQUIRED true
#define OPTIONAL false

#ifndef DRV_CONST
#define DRV_CONST(name) name
#endif

/* Turns a constant list into enumerators: X(NAME, value, meaning). */
#define DRV_ENUM_CONST(name, value, ...) DRV_CONST(name) = (value),

/* One member of the function-pointer struct. */
#define DRV_API_FIELD(field, req, ret, args, ...) ret (*field) args;

/* The names of one row as the initialiser of dl_sym_spec.names. */
#define DRV_SYM_NAMES(...) DRV_PICK3_(__VA_ARGS__, DRV_NAMES2_, DRV_NAMES1_, )(__VA_ARGS__)
#define DRV_PICK3_(a, b, m, ...) m
#define DRV_NAMES1_(a) { #a, NULL, NULL }
#define DRV_NAMES2_(a, b) { #a, #b, NULL }

/* The newest name of a row, as a string. */
#define DRV_FIRST_NAME(...) DRV_FIRST_(__VA_ARGS__, )
#define DRV_FIRST_(a, ...) #a

/* Applies m(ret, args, name) to each name of a row (one or two). */
#define DRV_EACH_NAME(m, ret, args, ...)                                       \
        DRV_PICK3_(__VA_ARGS__, DRV_EACH2_, DRV_EACH1_, )(m, ret, args, __VA_ARGS__)
#define DRV_EACH1_(m, ret, args, a) m(ret, args, a)
#define DRV_EACH2_(m, ret, args, a, b) m(ret, args, a) m(ret, args, b)

struct dl_sym_spec;

/* After api was resolved from specs and newest from the same rows with
 * only their newest names, fills ret_used[i] with the name symbol i was
 * found under (NULL when the library lacks it), for the breadcrumbs: a
 * timeout on an old driver then names the call really made. */
void drv_syms_used(const struct dl_sym_spec *specs, size_t n, const void *api,
                   const void *newest, const char **ret_used);
