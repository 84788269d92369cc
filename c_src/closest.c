/* Brute-force closest pair, O(n^2): every pair i < j. Each thread keeps its best (d2, i, j);
 * the bests are combined under a critical section by the same order, so the answer does not
 * depend on the thread count or on who finishes first. */
#include "legacy.h"

/* 1 when (d2a, ia, ja) comes before (d2b, ib, jb) */
static int before(double d2a, size_t ia, size_t ja, double d2b, size_t ib, size_t jb)
{
    if (d2a != d2b)
        return d2a < d2b;
    if (ia != ib)
        return ia < ib;
    return ja < jb;
}

void legacy_closest_pair(const double *points, size_t n, size_t *i_out, size_t *j_out, double *d2_out)
{
    double best_d2 = 0.0;
    size_t best_i = 0, best_j = 0;
    int have = 0;

#pragma omp parallel
    {
        double my_d2 = 0.0;
        size_t my_i = 0, my_j = 0;
        int my_have = 0;
        ptrdiff_t i;
#pragma omp for schedule(dynamic, 16)
        for (i = 0; i < (ptrdiff_t)n - 1; i++) {
            size_t j;
            for (j = (size_t)i + 1; j < n; j++) {
                double dx = points[2 * i] - points[2 * j];
                double dy = points[2 * i + 1] - points[2 * j + 1];
                double d2 = dx * dx + dy * dy;
                if (!my_have || before(d2, (size_t)i, j, my_d2, my_i, my_j)) {
                    my_d2 = d2;
                    my_i = (size_t)i;
                    my_j = j;
                    my_have = 1;
                }
            }
        }
#pragma omp critical(legacy_closest_pair_combine)
        {
            if (my_have && (!have || before(my_d2, my_i, my_j, best_d2, best_i, best_j))) {
                best_d2 = my_d2;
                best_i = my_i;
                best_j = my_j;
                have = 1;
            }
        }
    }
    *i_out = best_i;
    *j_out = best_j;
    *d2_out = best_d2;
}
