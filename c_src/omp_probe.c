/* Diagnostic: what an OpenMP region started here really gets. */
#include <omp.h>
#include "legacy.h"

#define MAX_SEEN 4096

int legacy_omp_team_size(int *distinct)
{
    static const int limit = MAX_SEEN;
    unsigned char seen[MAX_SEEN] = {0};
    int team = 0, count = 0, t;
#pragma omp parallel shared(seen, team)
    {
        int me = omp_get_thread_num();
#pragma omp single
        team = omp_get_num_threads();
        if (me < limit)
            seen[me] = 1;
    }
    for (t = 0; t < limit; t++)
        count += seen[t];
    *distinct = count;
    return team;
}
