/* The bad-input runner of the C door (run_c_main.c, run_c_args.c, run_c.c): the table's
 * cases and the buffers of one call, shared by its files. */
#ifndef RUN_C_H
#define RUN_C_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <speedup.h>
#include <speedup_legacy.h>

#define MAXP 16
#define GUARD 8 /* sentinel elements past the end of every output */

typedef struct {
    char name[32];
    char kind[8];
    int ndim;
    long long d1, d2;
    size_t count;
    long long *vals;
    char target[32];
} param;

typedef struct {
    char id[64], kernel[48], status[16], arg[64];
    int twin;
    param p[MAXP];
    int np;
} test_case;

/* ---- argument building: every buffer of one call, freed by release() ---------------------- */

typedef struct {
    void *ptr;   /* what the call receives (NULL for a NULL parameter) */
    void *mem;   /* the allocation */
    void *copy;  /* inputs: a copy to compare with; outputs: NULL */
    size_t bytes; /* compared bytes (outputs: including the guard) */
    size_t len;  /* elements */
    int out;
    size_t elem;
    const char *name;
} buffer;

typedef struct {
    buffer b[MAXP + 4];
    int n;
    bool cannot;
    char why[160];
} call_args;

/* run_c_args.c: the arguments of one call, from the case (see there). */
param *find(test_case *c, const char *name);
void cannot(call_args *a, const char *why, const char *name);
double scalar_f(test_case *c, call_args *a, const char *name, double dflt);
uint64_t scalar_u(test_case *c, call_args *a, const char *name, uint64_t dflt);
int32_t scalar_i32(test_case *c, call_args *a, const char *name, int32_t dflt);
buffer *input(test_case *c, call_args *a, const char *name, size_t elem);
void to_complex64(buffer *b);
buffer *output(test_case *c, call_args *a, const char *name, size_t elem, size_t natural);
size_t size_arg(test_case *c, call_args *a, const char *name, size_t dflt);
const char *untouched(call_args *a, test_case *c);
void release(call_args *a);
double square(double x, void *ctx);

/* run_c.c: runs the case through the kernel (legacy = 0) or its twin; returns the status, or
 * -1 when the runner cannot express it (a->why says why). */
int call(test_case *c, int legacy, call_args *a, size_t *knob_out);

#endif
