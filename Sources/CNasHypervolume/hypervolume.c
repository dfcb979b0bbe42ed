/* Exact hypervolume in three and more dimensions (minimization).

   Three objectives: the sweep of Beume et al. over a 2-D staircase (below).

   Four objectives: the HV4D+ scheme of Guerreiro & Fonseca (2018, "Computing and updating
   hypervolume contributions in up to four dimensions"). Sweep the points in ascending fourth
   coordinate w. The points seen so far, projected on (x, y, z), form a 3-D "slab" whose volume
   V3 only changes when a point enters; the 4-D volume is the sum over the sweep of V3 times the
   gap to the next w. Instead of recomputing V3, each entering point's exclusive 3-D
   contribution to the slab is computed in about one pass over the slab kept sorted by z (the
   points below p's height in a vector pass that bounds p's rectangle, the ones above in a sweep
   that stops once p's box is covered), and the points it dominates leave the slab. O(n^2)
   overall, with a small constant: most slab points cost a couple of vector comparisons.

   Five and more: the same sweep one level up (the dimension-sweep / exclusive-contribution
   recursion of WFG, While, Bradstreet & Barone 2012): a point's exclusive (d-1)-dimensional
   contribution to the slab is the volume of its own box minus the volume of the slab clipped
   to that box (the "limit set"), computed recursively down to the 4-D case. Bounding first: a
   slab point beyond p in one coordinate only just shortens p's box, and the points beyond the
   shortened box drop out, which keeps the limit sets small. The slab stays sorted by the next
   level's sweep coordinate, so limit sets come out sorted and only the top level sorts.

   Hypervolume improvement uses the same exclusive contribution at the top level. */

#include "nas_hypervolume.h"

#include <stdlib.h>
#include <string.h>


/* ---------------------------------------------------------------------------------------- */
/* Sorting points by one coordinate (the sweep order).                                        */

typedef struct {
    double key;
    int index;
} keyed_index;

static int compare_keyed(const void *a, const void *b) {
    double x = ((const keyed_index *)a)->key, y = ((const keyed_index *)b)->key;
    if (x < y) return -1;
    if (x > y) return 1;
    /* Equal keys: by index, so the order (and every rounding) is the same on every platform's qsort. */
    int i = ((const keyed_index *)a)->index, j = ((const keyed_index *)b)->index;
    return (i > j) - (i < j);
}

/* order[t] = index of the t-th point in ascending coordinate `axis`. */
static int sweep_order(const double *points, int n, int d, int axis, int *order) {
    keyed_index *keyed = malloc(sizeof(keyed_index) * (size_t)(n > 0 ? n : 1));
    if (!keyed) return 0;
    for (int i = 0; i < n; i++) {
        keyed[i].key = points[(size_t)i * d + axis];
        keyed[i].index = i;
    }
    qsort(keyed, (size_t)n, sizeof(keyed_index), compare_keyed);
    for (int i = 0; i < n; i++) order[i] = keyed[i].index;
    free(keyed);
    return 1;
}

/* ---------------------------------------------------------------------------------------- */
/* The 2-D staircase inside one point's (x, y) rectangle.                                     */

/* The part of the rectangle [px, X) x [py, Y) that the staircase (sx ascending, sy descending,
   every step strictly inside the rectangle) leaves uncovered; a step at (sx, sy) covers
   [sx, X) x [sy, Y). */
static double uncovered_area(double px, double py, double X, double Y, const double *sx, const double *sy, int k) {
    if (k == 0) return (X - px) * (Y - py);
    double area = (sx[0] - px) * (Y - py);
    for (int i = 1; i < k; i++) area += (sx[i] - sx[i - 1]) * (sy[i - 1] - py);
    return area + (X - sx[k - 1]) * (sy[k - 1] - py);
}

/* Adds the step (x, y) unless a step covers it, dropping the steps it covers. Returns the new
   step count; *changed says whether the staircase moved. */
static int staircase_insert(double *sx, double *sy, int k, double x, double y, int *changed) {
    int lo = 0, hi = k; /* first step with sx >= x */
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (sx[mid] < x) lo = mid + 1; else hi = mid;
    }
    if ((lo > 0 && sy[lo - 1] <= y) || (lo < k && sx[lo] == x && sy[lo] <= y)) {
        *changed = 0;
        return k;
    }
    int end = lo; /* steps from lo on with sy >= y lie above-right of (x, y): covered */
    while (end < k && sy[end] >= y) end++;
    int removed = end - lo;
    if (removed != 1) {
        memmove(sx + lo + 1, sx + end, sizeof(double) * (size_t)(k - end));
        memmove(sy + lo + 1, sy + end, sizeof(double) * (size_t)(k - end));
    }
    sx[lo] = x;
    sy[lo] = y;
    *changed = 1;
    return k - removed + 1;
}

/* The rectangle's top moved down to Y: steps at or above it are covered by the new edge. */
static int staircase_lower_top(double *sx, double *sy, int k, double Y) {
    int first = 0;
    while (first < k && sy[first] >= Y) first++;
    if (first > 0) {
        memmove(sx, sx + first, sizeof(double) * (size_t)(k - first));
        memmove(sy, sy + first, sizeof(double) * (size_t)(k - first));
    }
    return k - first;
}

/* The rectangle's right side moved left to X: steps at or right of it are covered. */
static int staircase_lower_right(const double *sx, int k, double X) {
    while (k > 0 && sx[k - 1] >= X) k--;
    return k;
}

/* ---------------------------------------------------------------------------------------- */
/* Two doubles at a time, in the compilers' portable vector types (GCC and Clang): SSE2 on any
   x86-64, NEON on ARM. The baseline of every such CPU, so nothing to dispatch at run time;
   loops take two of these per step, which keeps AVX2 machines busy too. */

typedef double vec2 __attribute__((vector_size(16)));
typedef long long mask2 __attribute__((vector_size(16))); /* comparison results: all ones or zero */

static inline vec2 splat2(double v) { vec2 r = {v, v}; return r; }
static inline vec2 load2(const double *p) { vec2 r; memcpy(&r, p, sizeof r); return r; }
/* mask ? a : b, lane by lane. */
static inline vec2 select2(mask2 mask, vec2 a, vec2 b) {
    mask2 ai, bi, r;
    memcpy(&ai, &a, sizeof ai);
    memcpy(&bi, &b, sizeof bi);
    r = (ai & mask) | (bi & ~mask);
    vec2 out;
    memcpy(&out, &r, sizeof out);
    return out;
}

/* ---------------------------------------------------------------------------------------- */
/* Work buffers, allocated once per call for every level of the recursion.                   */

typedef struct {
    /* Four dimensions: the 3-D slab (structure of arrays, ascending z), the staircase, and the
       slab positions a point entering drops. */
    double *x, *y, *z, *sx, *sy;
    int *dropped;
    /* Level m (5 <= m <= levels): that level's slab of (m-1)-dim points, its limit set and its
       bounds; the entries below 5 stay NULL. */
    int levels;
    double **slab, **limit, **bound;
} workspace;

static void workspace_free(workspace *w) {
    free(w->x); free(w->y); free(w->z); free(w->sx); free(w->sy); free(w->dropped);
    for (int m = 0; m <= w->levels; m++) {
        if (w->slab) free(w->slab[m]);
        if (w->limit) free(w->limit[m]);
        if (w->bound) free(w->bound[m]);
    }
    free(w->slab); free(w->limit); free(w->bound);
}

/* Room for sets of up to `capacity` points at every level from `levels` dimensions down. */
static int workspace_make(workspace *w, int levels, int capacity) {
    memset(w, 0, sizeof *w);
    size_t c = (size_t)capacity + 1;
    w->levels = levels;
    w->x = malloc(sizeof(double) * c); w->y = malloc(sizeof(double) * c); w->z = malloc(sizeof(double) * c);
    w->sx = malloc(sizeof(double) * c); w->sy = malloc(sizeof(double) * c);
    w->dropped = malloc(sizeof(int) * (c + 1));
    w->slab = calloc((size_t)levels + 1, sizeof(double *));
    w->limit = calloc((size_t)levels + 1, sizeof(double *));
    w->bound = calloc((size_t)levels + 1, sizeof(double *));
    int ok = w->x && w->y && w->z && w->sx && w->sy && w->dropped && w->slab && w->limit && w->bound;
    for (int m = 5; m <= levels && ok; m++) {
        w->slab[m] = malloc(sizeof(double) * c * (size_t)(m - 1));
        w->limit[m] = malloc(sizeof(double) * c * (size_t)(m - 1));
        w->bound[m] = malloc(sizeof(double) * (size_t)m);
        ok = w->slab[m] && w->limit[m] && w->bound[m];
    }
    if (!ok) workspace_free(w);
    return ok;
}

/* ---------------------------------------------------------------------------------------- */
/* Three dimensions.                                                                          */

/* The Beume et al. sweep along z over the 2-D staircase (x ascending, y descending) of the
   points seen so far, its area kept up to date as each point enters: the same arithmetic, in
   the same order, as the Swift sweep it replaces, so volumes are bit for bit the same. */
static double hypervolume3(const double *points, int n, const int *order, const double *reference, workspace *w) {
    double *xs = w->sx, *ys = w->sy;
    const double r0 = reference[0], r1 = reference[1];
    double area = 0, volume = 0;
    int count = 0;
    for (int t = 0; t < n; t++) {
        const double *p = points + (size_t)order[t] * 3;
        const double x = p[0], y = p[1];
        int lo = 0, hi = count; /* first step with xs >= x */
        while (lo < hi) {
            int mid = (lo + hi) >> 1;
            if (xs[mid] < x) lo = mid + 1; else hi = mid;
        }
        int dominatedLeft = lo > 0 && ys[lo - 1] <= y;
        int dominatedEqual = lo < count && xs[lo] == x && ys[lo] <= y;
        if (!dominatedLeft && !dominatedEqual) {
            int end = lo; /* steps from lo on that the point dominates */
            while (end < count && ys[end] >= y) end++;
            double upperY = lo > 0 ? ys[lo - 1] : r1;
            /* What of [x, r0) x [y, upperY) the staircase covers already. */
            double covered = 0, previousX = x, stairY = upperY;
            for (int k = lo; k < end; k++) {
                covered += (xs[k] - previousX) * (upperY - stairY);
                previousX = xs[k];
                stairY = ys[k];
            }
            double nextX = end < count ? xs[end] : r0;
            covered += (nextX - previousX) * (upperY - stairY);
            if (end < count) covered += (r0 - nextX) * (upperY - y);
            double full = (r0 - x) * (upperY - y);
            area += full - covered;
            int removed = end - lo;
            if (removed != 1) {
                memmove(xs + lo + 1, xs + end, sizeof(double) * (size_t)(count - end));
                memmove(ys + lo + 1, ys + end, sizeof(double) * (size_t)(count - end));
            }
            xs[lo] = x;
            ys[lo] = y;
            count += 1 - removed;
        }
        double nextZ = t + 1 < n ? points[(size_t)order[t + 1] * 3 + 2] : reference[2];
        volume += area * (nextZ - p[2]);
    }
    return volume;
}

/* ---------------------------------------------------------------------------------------- */
/* Four dimensions.                                                                          */

/* Lets p into the slab (ascending z): adds p's exclusive 3-D contribution to *volume, puts p
   at its z position and drops the slab points p weakly dominates. Returns the new count, or -1
   (slab untouched) when a slab point weakly dominates p.

   Slab points q clipped to p's box fall in three kinds: q.x <= p.x (it covers p's rectangle
   above q.y: the rectangle's top comes down to q.y), q.y <= p.y (its right side comes in to
   q.x), or inside (a step of a staircase in the rectangle). Whatever the kind, q matters only
   if q.x < X and q.y < Y for the rectangle's current right side X and top Y, and since those
   only shrink, two comparisons reject most of the slab. Points with q.z <= p.z shape the
   rectangle at p's own height; the ones above change it as the sweep in z passes them, and
   the uncovered area integrates to the contribution. The same pass over the points above
   compacts away those p dominates (they all lie above p), so the slab is read about once. */
static int slab_enter(workspace *w, int count, double px, double py, double pz, const double *reference, double *volume) {
    double *xs = w->x, *ys = w->y, *zs = w->z;
    double *sx = w->sx, *sy = w->sy;
    double X = reference[0], Y = reference[1];
    int k = 0, changed;
    int lo = 0, hi = count; /* first slab point with z >= p.z */
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (zs[mid] < pz) lo = mid + 1; else hi = mid;
    }
    int below = lo; /* then the first with z > p.z: ties at p's height count as below */
    while (below < count && zs[below] <= pz) below++;

    /* At p's height: first the rectangle's final sides, four slab points at a time; then the
       few inside points that reach into the final rectangle build its staircase. */
    int dominated = 0;
    int j = 0;
    {
        const vec2 vpx = splat2(px), vpy = splat2(py);
        vec2 x0 = splat2(X), y0 = splat2(Y), x1 = x0, y1 = y0;
        mask2 both = {0, 0};
        for (; j + 4 <= below; j += 4) {
            vec2 qx0 = load2(xs + j), qy0 = load2(ys + j), qx1 = load2(xs + j + 2), qy1 = load2(ys + j + 2);
            mask2 left0 = qx0 <= vpx, low0 = qy0 <= vpy, left1 = qx1 <= vpx, low1 = qy1 <= vpy;
            both |= (left0 & low0) | (left1 & low1);
            y0 = select2(left0 & (qy0 < y0), qy0, y0);
            x0 = select2(low0 & (qx0 < x0), qx0, x0);
            y1 = select2(left1 & (qy1 < y1), qy1, y1);
            x1 = select2(low1 & (qx1 < x1), qx1, x1);
        }
        dominated = (both[0] | both[1]) != 0;
        for (int lane = 0; lane < 2; lane++) {
            if (x0[lane] < X) X = x0[lane];
            if (x1[lane] < X) X = x1[lane];
            if (y0[lane] < Y) Y = y0[lane];
            if (y1[lane] < Y) Y = y1[lane];
        }
    }
    for (; j < below; j++) {
        double qx = xs[j], qy = ys[j];
        int left = qx <= px, low = qy <= py;
        dominated |= left & low;
        if (left && qy < Y) Y = qy;
        if (low && qx < X) X = qx;
    }
    if (dominated) return -1;
    j = 0;
    {
        const vec2 vpx = splat2(px), vpy = splat2(py), vX = splat2(X), vY = splat2(Y);
        for (; j + 4 <= below; j += 4) {
            vec2 qx0 = load2(xs + j), qy0 = load2(ys + j), qx1 = load2(xs + j + 2), qy1 = load2(ys + j + 2);
            mask2 reach0 = (qx0 > vpx) & (qy0 > vpy) & (qx0 < vX) & (qy0 < vY);
            mask2 reach1 = (qx1 > vpx) & (qy1 > vpy) & (qx1 < vX) & (qy1 < vY);
            mask2 any = reach0 | reach1;
            if (!(any[0] | any[1])) continue;
            for (int lane = 0; lane < 4; lane++) {
                double qx = xs[j + lane], qy = ys[j + lane];
                if (qx > px && qy > py && qx < X && qy < Y) k = staircase_insert(sx, sy, k, qx, qy, &changed);
            }
        }
    }
    for (; j < below; j++) {
        double qx = xs[j], qy = ys[j];
        if (qx > px && qy > py && qx < X && qy < Y) k = staircase_insert(sx, sy, k, qx, qy, &changed);
    }
    /* Ties at p's height that p dominates leave; p goes after the ties that stay. */
    int write = lo;
    for (int j = lo; j < below; j++) {
        if (xs[j] >= px && ys[j] >= py) continue;
        xs[write] = xs[j]; ys[write] = ys[j]; zs[write] = zs[j];
        write++;
    }
    int at = write;

    double area = uncovered_area(px, py, X, Y, sx, sy, k);
    double contribution = 0, z = pz;
    for (j = below; j < count; j++) {
        double qx = xs[j], qy = ys[j], qz = zs[j];
        if (qx >= X || qy >= Y) continue;
        int moved = 1;
        if (qx <= px) {
            contribution += area * (qz - z);
            z = qz;
            if (qy <= py) { /* covers all that is left, from its height up */
                area = 0;
                break;
            }
            Y = qy;
            k = staircase_lower_top(sx, sy, k, Y);
        } else if (qy <= py) {
            contribution += area * (qz - z);
            z = qz;
            X = qx;
            k = staircase_lower_right(sx, k, X);
        } else {
            k = staircase_insert(sx, sy, k, qx, qy, &moved);
            if (!moved) continue;
            contribution += area * (qz - z);
            z = qz;
        }
        area = uncovered_area(px, py, X, Y, sx, sy, k);
    }
    *volume += contribution + area * (reference[2] - z);

    /* The points above that p dominates leave (few: each point leaves once in the whole sweep),
       found by a read-only scan; the points between them move up behind p in whole runs. */
    int *dropped = w->dropped, drops = 0;
    j = below;
    {
        const vec2 vpx = splat2(px), vpy = splat2(py);
        for (; j + 4 <= count; j += 4) {
            vec2 qx0 = load2(xs + j), qy0 = load2(ys + j), qx1 = load2(xs + j + 2), qy1 = load2(ys + j + 2);
            mask2 any = ((qx0 >= vpx) & (qy0 >= vpy)) | ((qx1 >= vpx) & (qy1 >= vpy));
            if (!(any[0] | any[1])) continue;
            for (int lane = 0; lane < 4; lane++) {
                if (xs[j + lane] >= px && ys[j + lane] >= py) dropped[drops++] = j + lane;
            }
        }
    }
    for (; j < count; j++) {
        if (xs[j] >= px && ys[j] >= py) dropped[drops++] = j;
    }
    dropped[drops] = count; /* the end of the last run */
    int to = at + 1, from = below;
    for (int d = 0; d <= drops; d++) {
        size_t run = (size_t)(dropped[d] - from);
        if (run > 0 && to != from) {
            memmove(xs + to, xs + from, sizeof(double) * run);
            memmove(ys + to, ys + from, sizeof(double) * run);
            memmove(zs + to, zs + from, sizeof(double) * run);
        }
        to += (int)run;
        from = dropped[d] + 1;
    }
    xs[at] = px; ys[at] = py; zs[at] = pz;
    return to;
}

/* The 4-D volume of points (row-major, 4 per point) visited in `order` (NULL: the given order),
   which must be ascending in the fourth coordinate. */
static double hypervolume4(const double *points, int n, const int *order, const double *reference, workspace *w) {
    double slabVolume = 0, volume = 0;
    int count = 0;
    for (int t = 0; t < n; t++) {
        const double *p = points + (size_t)(order ? order[t] : t) * 4;
        int entered = slab_enter(w, count, p[0], p[1], p[2], reference, &slabVolume);
        if (entered >= 0) count = entered;
        double next = t + 1 < n ? points[(size_t)(order ? order[t + 1] : t + 1) * 4 + 3] : reference[3];
        volume += slabVolume * (next - p[3]);
    }
    return volume;
}

/* ---------------------------------------------------------------------------------------- */
/* Five and more dimensions.                                                                  */

static double hypervolume_sorted(const double *points, int n, int d, const int *order, const double *reference, workspace *w);

/* The exclusive contribution of p to `set` (m-dim points, ascending in coordinate m-1), or -1
   when a set point weakly dominates p.

   Bounding first: a set point that exceeds p in one coordinate a only, clipped to p's box,
   covers all of it from q[a] on, so p's box simply ends there (bound[a]). What remains is the
   box up to the bounds minus the volume of the other set points clipped to it (the limit
   set), which stays ascending in coordinate m-1 because clipping is monotone. */
static double exclusive_contribution(const double *set, int count, int m, const double *p, const double *reference,
                                     workspace *w) {
    double *bound = w->bound[m + 1], *limit = w->limit[m + 1];
    memcpy(bound, reference, sizeof(double) * (size_t)m);
    int size = 0;
    if (m == 4) { /* the five-objective case, unrolled: this pass is a third of its time */
        const double p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3];
        for (int j = 0; j < count; j++) {
            const double *q = set + (size_t)j * 4;
            const double q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
            /* Outside the bounds: covered already (a point that dominates p never is, as p < bound). */
            if ((q0 >= bound[0]) | (q1 >= bound[1]) | (q2 >= bound[2]) | (q3 >= bound[3])) continue;
            const int a0 = q0 > p0, a1 = q1 > p1, a2 = q2 > p2, a3 = q3 > p3;
            const int above = a0 + a1 + a2 + a3;
            if (above == 0) return -1;
            if (above == 1) {
                const int axis = a0 ? 0 : a1 ? 1 : a2 ? 2 : 3;
                bound[axis] = q[axis];
                continue;
            }
            double *l = limit + (size_t)size * 4;
            l[0] = a0 ? q0 : p0; l[1] = a1 ? q1 : p1; l[2] = a2 ? q2 : p2; l[3] = a3 ? q3 : p3;
            size++;
        }
        count = 0; /* done: skip the general loop */
    }
    for (int j = 0; j < count; j++) {
        const double *q = set + (size_t)j * m;
        int above = 0, axis = 0, inside = 1;
        for (int k = 0; k < m; k++) {
            if (q[k] > p[k]) { above++; axis = k; }
            if (q[k] >= bound[k]) inside = 0;
        }
        if (above == 0) return -1;
        if (!inside) continue;
        if (above == 1) {
            bound[axis] = q[axis];
            continue;
        }
        double *l = limit + (size_t)size * m;
        for (int k = 0; k < m; k++) l[k] = q[k] > p[k] ? q[k] : p[k];
        size++;
    }
    /* Bounds tightened as the pass went on: drop the limit points they now cover. */
    int kept = 0;
    for (int j = 0; j < size; j++) {
        const double *l = limit + (size_t)j * m;
        int inside = 1;
        for (int k = 0; k < m; k++) {
            if (l[k] >= bound[k]) { inside = 0; break; }
        }
        if (!inside) continue;
        if (kept != j) memcpy(limit + (size_t)kept * m, l, sizeof(double) * (size_t)m);
        kept++;
    }
    double box = 1;
    for (int k = 0; k < m; k++) box *= bound[k] - p[k];
    if (kept == 0) return box;
    /* The recursion below overwrites this level's bound buffer only at its own level. */
    return box - hypervolume_sorted(limit, kept, m, NULL, bound, w);
}

/* Puts p into the slab (m-dim points, ascending in coordinate m-1), dropping what it weakly
   dominates. Returns the new count. */
static int sweep_slab_insert(double *slab, int count, int m, const double *p) {
    int lo = 0, hi = count;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (slab[(size_t)mid * m + m - 1] < p[m - 1]) lo = mid + 1; else hi = mid;
    }
    int write = lo;
    for (int j = lo; j < count; j++) {
        const double *q = slab + (size_t)j * m;
        int covered = 1;
        for (int k = 0; k < m - 1; k++) {
            if (q[k] < p[k]) { covered = 0; break; }
        }
        if (covered) continue;
        if (write != j) memcpy(slab + (size_t)write * m, q, sizeof(double) * (size_t)m);
        write++;
    }
    memmove(slab + (size_t)(lo + 1) * m, slab + (size_t)lo * m, sizeof(double) * (size_t)(write - lo) * m);
    memcpy(slab + (size_t)lo * m, p, sizeof(double) * (size_t)m);
    return write + 1;
}

/* The d-dim volume (d >= 5) by a sweep along the last coordinate, points visited in `order`
   (NULL: the given order), ascending in that coordinate. */
static double hypervolume_sweep(const double *points, int n, int d, const int *order, const double *reference, workspace *w) {
    int m = d - 1;
    double *slab = w->slab[d];
    double slabVolume = 0, volume = 0;
    int count = 0;
    for (int t = 0; t < n; t++) {
        const double *p = points + (size_t)(order ? order[t] : t) * d;
        double c = exclusive_contribution(slab, count, m, p, reference, w);
        if (c >= 0) {
            slabVolume += c;
            count = sweep_slab_insert(slab, count, m, p);
        }
        double next = t + 1 < n ? points[(size_t)(order ? order[t + 1] : t + 1) * d + m] : reference[m];
        volume += slabVolume * (next - p[m]);
    }
    return volume;
}

static double hypervolume_sorted(const double *points, int n, int d, const int *order, const double *reference, workspace *w) {
    if (n == 0) return 0;
    if (d == 4) return hypervolume4(points, n, order, reference, w);
    return hypervolume_sweep(points, n, d, order, reference, w);
}

double nas_hypervolume(const double *points, int n, int d, const double *reference) {
    if (d < 3 || n < 0) return -1;
    if (n == 0) return 0;
    workspace w;
    if (!workspace_make(&w, d, n)) return -1;
    int *order = malloc(sizeof(int) * (size_t)n);
    double volume = -1;
    if (order && sweep_order(points, n, d, d - 1, order))
        volume = d == 3 ? hypervolume3(points, n, order, reference, &w) : hypervolume_sorted(points, n, d, order, reference, &w);
    free(order);
    workspace_free(&w);
    return volume;
}

int nas_hypervolume_improvements(const double *points, int n, int d, const double *candidates, int count,
                                 const double *reference, double *improvements) {
    if (d < 4 || n < 0 || count < 0) return 0;
    /* The set plays the slab of a (d+1)-dim sweep: sorted once the way that level keeps it, so
       every candidate's limit set comes out in the order the d-dim volume needs. */
    workspace w;
    if (!workspace_make(&w, d + 1, n)) return 0;
    int *order = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    double *sorted = w.slab[d + 1];
    int ok = order && sweep_order(points, n, d, d - 1, order);
    if (ok) {
        for (int t = 0; t < n; t++) memcpy(sorted + (size_t)t * d, points + (size_t)order[t] * d, sizeof(double) * (size_t)d);
        for (int i = 0; i < count; i++) {
            const double *p = candidates + (size_t)i * d;
            int inside = 1;
            for (int k = 0; k < d; k++) {
                if (!(p[k] < reference[k])) inside = 0;
            }
            double gain = inside ? exclusive_contribution(sorted, n, d, p, reference, &w) : 0;
            improvements[i] = gain < 0 ? 0 : gain; /* -1: weakly dominated */
        }
    }
    free(order);
    workspace_free(&w);
    return ok;
}
