/* Comb filters, as the lab wrote them: one loop per formula, OpenMP on the independent axis. */
#include "legacy.h"

void legacy_comb_forward(const double *x, size_t n, size_t k, size_t tau, double alpha, double *y)
{
    ptrdiff_t t;
#pragma omp parallel for schedule(static)
    for (t = 0; t < (ptrdiff_t)n; t++) {
        size_t j;
        for (j = 0; j < k; j++) {
            if ((size_t)t < tau)
                y[t * k + j] = x[t * k + j];
            else
                y[t * k + j] = x[t * k + j] + alpha * x[(t - tau) * k + j];
        }
    }
}

void legacy_comb_backward(const double *x, size_t n, size_t k, size_t tau, double alpha, double *y)
{
    ptrdiff_t j;
#pragma omp parallel for schedule(static)
    for (j = 0; j < (ptrdiff_t)k; j++) {
        size_t t;
        for (t = 0; t < n; t++) {
            if (t < tau)
                y[t * k + j] = x[t * k + j];
            else
                y[t * k + j] = x[t * k + j] + alpha * y[(t - tau) * k + j];
        }
    }
}
