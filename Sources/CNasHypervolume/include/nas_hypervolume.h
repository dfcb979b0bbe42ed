#ifndef NAS_HYPERVOLUME_H
#define NAS_HYPERVOLUME_H

/* Exact hypervolume for three and more objectives (minimization), the hot loops behind
   NasOptimize.Hypervolume. Portable C: the scans over the slab use the compilers' generic
   two-lane vectors (SSE2 on every x86-64, NEON on ARM), the baseline of each architecture, so
   there is nothing to dispatch per CPU. No global state: safe to call from several threads.

   Points are row-major (point i, objective k at points[i * d + k]). Every point must lie
   strictly inside the reference box (points[i*d+k] < reference[k] for all k); the Swift caller
   filters the rest out, because they add nothing. Dominated points and duplicates are allowed.

   Returns the volume, or -1 when a work buffer could not be allocated (the caller reports it)
   or d < 3. */
double nas_hypervolume(const double *points, int n, int d, const double *reference);

/* The hypervolume improvement of each of `count` candidates (row-major, d per candidate) over
   the set `points` (same layout and precondition as above), each on its own:
   improvements[i] = HV(points + candidate i) - HV(points). Computed as the volume of the
   candidate's box minus the volume of the set clipped to that box, so the set's own volume is
   never needed, and the set is sorted once for the whole batch. A candidate weakly dominated
   by the set, or not strictly inside the reference box, gets 0. Returns 1, or 0 when a work
   buffer could not be allocated. d >= 4. */
int nas_hypervolume_improvements(const double *points, int n, int d, const double *candidates, int count,
                                 const double *reference, double *improvements);

#endif
