/* Comb filters, as the lab wrote them: one loop per formula, OpenMP on the independent axis. */
#include "legacy.h"

/* y[t, j] of a comb filter: x[t, j] for t < tau, else x[t, j] + alpha * d[t - tau, j], where
 * the delayed array d is x (forward) or y (backward). */
static inline double comb_at(const double *x, const double *d, size_t t, size_t j, size_t k,
                             size_t tau, double alpha)
{
    if (t < tau)
        return x[t * k + j];
    return x[t * k + j] + alpha * d[(t - tau) * k + j];
}

/* Two routines, two loop nests: the forward filter is independent along t (OpenMP over rows),
 * the backward one is a recurrence along t (OpenMP over columns). */
void legacy_comb_forward(const double *x, size_t n, size_t k, size_t tau, double alpha, double *y)
{
    ptrdiff_t t;
#pragma omp parallel for schedule(static)
    for (t = 0; t < (ptrdiff_t)n; t++) {
        size_t j;
        for (j = 0; j < k; j++)
            y[t * k + j] = comb_at(x, x, (size_t)t, j, k, tau, alpha);
    }
}

void legacy_comb_backward(const double *x, size_t n, size_t k, size_t tau, double alpha, double *y)
{
    ptrdiff_t j;
#pragma omp parallel for schedule(static)
    for (j = 0; j < (ptrdiff_t)k; j++) {
        size_t t;
        for (t = 0; t < n; t++)
            y[t * k + j] = comb_at(x, y, t, (size_t)j, k, tau, alpha);
    }
}
