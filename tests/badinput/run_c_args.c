/* The bad-input runner of the C door: the arguments of one call, built from the case's
 * parameters (every buffer of one call, freed by release()). */
#include "run_c.h"

param *find(test_case *c, const char *name)
{
    for (int i = 0; i < c->np; i++)
        if (strcmp(c->p[i].name, name) == 0)
            return &c->p[i];
    return NULL;
}

static double as_double(long long bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

void cannot(call_args *a, const char *why, const char *name)
{
    if (!a->cannot)
        snprintf(a->why, sizeof a->why, "%s (%s)", why, name);
    a->cannot = true;
}

/* A scalar the table gives with a kind or value its argument cannot take: the case cannot be
 * expressed (no-op when the table does not give it: the caller's default holds). */
static void unfit(call_args *a, const param *p, const char *why, const char *name)
{
    if (p)
        cannot(a, why, name);
}

double scalar_f(test_case *c, call_args *a, const char *name, double dflt)
{
    param *p = find(c, name);
    if (p && strcmp(p->kind, "F") == 0)
        return as_double(p->vals[0]);
    if (p && strcmp(p->kind, "I") == 0)
        return (double)p->vals[0];
    unfit(a, p, "not a real scalar", name);
    return dflt;
}

uint64_t scalar_u(test_case *c, call_args *a, const char *name, uint64_t dflt)
{
    param *p = find(c, name);
    if (p && (strcmp(p->kind, "U") == 0 || (strcmp(p->kind, "I") == 0 && p->vals[0] >= 0)))
        return (uint64_t)p->vals[0];
    unfit(a, p, "not an unsigned integer", name);
    return dflt;
}

int32_t scalar_i32(test_case *c, call_args *a, const char *name, int32_t dflt)
{
    param *p = find(c, name);
    if (p && strcmp(p->kind, "I") == 0 && p->vals[0] >= INT32_MIN && p->vals[0] <= INT32_MAX)
        return (int32_t)p->vals[0];
    unfit(a, p, "not an int32_t", name);
    return dflt;
}

/* An input array: its values (bits for doubles), or NULL with the given length. */
buffer *input(test_case *c, call_args *a, const char *name, size_t elem)
{
    buffer *b = &a->b[a->n++];
    memset(b, 0, sizeof *b);
    b->name = name;
    param *p = find(c, name);
    if (!p) {
        cannot(a, "missing input", name);
        return b;
    }
    if (strcmp(p->kind, "NULL") == 0) {
        b->len = (size_t)p->d1;
        return b;
    }
    bool mis = strcmp(p->kind, "MIS") == 0;
    if (strcmp(p->kind, "A") && strcmp(p->kind, "Q") && strcmp(p->kind, "Z") && !mis) {
        cannot(a, "not an array", name);
        return b;
    }
    size_t words = p->count, per = elem / 8;
    b->len = words / (per ? per : 1);
    b->bytes = words * 8 + mis;
    b->mem = calloc(b->bytes ? b->bytes : 8, 1); /* the byte before a MIS array is defined */
    memcpy((char *)b->mem + mis, p->vals, words * 8);
    b->copy = malloc(b->bytes ? b->bytes : 8);
    memcpy(b->copy, b->mem, b->bytes);
    b->ptr = (char *)b->mem + mis;
    return b;
}

/* A complex input read as doubles, narrowed in place to float pairs (C99 float complex); the
 * table's values are exact in float. */
void to_complex64(buffer *b)
{
    if (!b->mem)
        return;
    double *d = (double *)b->ptr;
    float *f = (float *)b->ptr;
    for (size_t i = 0; i < 2 * b->len; i++) {
        double v;
        memcpy(&v, &d[i], sizeof v); /* MIS buffers are misaligned */
        float w = (float)v;
        memcpy(&f[i], &w, sizeof w);
    }
    memcpy(b->copy, b->mem, b->bytes);
}

static unsigned char fill_byte(size_t elem) { return elem == 1 ? 0x01 : 0xA5; }

/* An output array of `natural` elements unless the case gives its shape, NULL, or an alias. */
buffer *output(test_case *c, call_args *a, const char *name, size_t elem, size_t natural)
{
    buffer *b = &a->b[a->n++];
    memset(b, 0, sizeof *b);
    b->out = 1;
    b->elem = elem;
    param *p = find(c, name);
    size_t len = natural;
    if (p && strcmp(p->kind, "NULL") == 0) {
        b->len = (size_t)p->d1;
        return b;
    }
    if (p && strcmp(p->kind, "ALIAS") == 0) {
        for (int i = 0; i < a->n - 1; i++) {
            if (!a->b[i].out && a->b[i].mem && a->b[i].name && !strcmp(a->b[i].name, p->target)) {
                b->ptr = a->b[i].mem;
                b->len = natural;
                return b;
            }
        }
        cannot(a, "alias target not found", p->target);
        return b;
    }
    bool mis = p && strcmp(p->kind, "MIS") == 0;
    if (p) {
        if (strcmp(p->kind, "A") && strcmp(p->kind, "Q") && !mis) {
            cannot(a, "not an output array", name);
            return b;
        }
        len = p->count;
    }
    b->len = len;
    b->bytes = (len + GUARD) * elem + mis;
    b->mem = malloc(b->bytes);
    memset(b->mem, fill_byte(elem), b->bytes);
    b->ptr = (char *)b->mem + mis; /* MIS: one byte past an aligned address */
    return b;
}

size_t size_arg(test_case *c, call_args *a, const char *name, size_t dflt)
{
    param *p = find(c, name);
    return p ? (size_t)scalar_u(c, a, name, 0) : dflt;
}

/* Did the call leave every buffer as it was? Names the first one it changed. */
const char *untouched(call_args *a, test_case *c)
{
    (void)c;
    for (int i = 0; i < a->n; i++) {
        buffer *b = &a->b[i];
        if (!b->mem)
            continue;
        if (b->out) {
            const unsigned char *m = b->mem;
            unsigned char want = fill_byte(b->elem);
            for (size_t k = 0; k < b->bytes; k++)
                if (m[k] != want)
                    return "an output was written";
        } else if (memcmp(b->mem, b->copy, b->bytes) != 0) {
            return "an input was changed";
        }
    }
    return NULL;
}

void release(call_args *a)
{
    for (int i = 0; i < a->n; i++) {
        free(a->b[i].mem);
        free(a->b[i].copy);
    }
}

double square(double x, void *ctx)
{
    (void)ctx;
    return x * x;
}
