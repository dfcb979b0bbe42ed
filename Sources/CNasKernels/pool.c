#include "nas_kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NAS_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define NAS_PAUSE() __asm__ __volatile__("yield")
#else
#define NAS_PAUSE() ((void)0)
#endif

/* A persistent worker pool for the engine's parallel regions.

   A training step has about 25 parallel regions of 50 us to a few ms each. Waking threads
   through a dispatch queue for each costs tens of microseconds per region, and a thread that
   was put to sleep takes longer still to come back, so short regions ran on one core. Here the
   workers stay: after a region they watch for the next one (spinning with pause) for a short
   while, SPIN_NS, and then sleep on a condition variable. The window covers the serial gaps
   inside a training step (a few microseconds to a few tens), so on a quiet machine workers
   are awake when the next region comes; it is short because a spinning thread is a runnable
   thread: with trials side by side (several processes on the same cores) every microsecond
   one spins is taken from another process's work. The caller waiting for the last chunks of a
   region follows the same rule: it spins for SPIN_NS, then sleeps until the worker running
   the last chunk wakes it, so a worker that lost its core (a busy machine) is not also
   competing with its own caller for one.

   Who runs which chunk does not matter for the results: each chunk is claimed by exactly one
   thread (a compare-and-swap on `ticket`), and the caller's chunks own their outputs. The
   ticket packs the region's generation (high 32 bits) with the next unclaimed chunk (low 32
   bits), so a worker still looking at a finished region can never claim a chunk of the next
   one by mistake; the caller claims chunks too, so a worker that is slow to wake (a busy
   machine, or one asleep) delays nothing beyond the chunks it actually took. */

enum { MAX_WORKERS = 63 };
/* The spin window: about the wake-up latency of a sleeping thread, so a region that starts
   within it pays neither a wake-up nor more than a wake-up's worth of spinning. */
static const long SPIN_NS = 50 * 1000;

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER; /* one region at a time */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleepers;
static int workers; /* started so far; guarded by submit_lock */
/* The caller asleep until a region's last chunk is done (guarded by done_lock for the wait). */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static atomic_int caller_sleeping;

/* The region being run. fn/ctx/chunks are written before the ticket announces the region and
   read only after a successful claim, which the caller cannot outrun (it waits for `done`). */
static nas_task job_fn;
static void *job_ctx;
static uint32_t job_chunks;
static atomic_int job_helpers; /* workers 0 ..< job_helpers take part: the caller's thread count less one */
static _Atomic uint64_t ticket;
static atomic_int done;

static long monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

/* Spins until `ready(arg)` or SPIN_NS have passed (the clock read every 64 pauses, about 2 us);
   whether it became ready. */
static int spin_until(int (*ready)(const void *), const void *arg) {
    const long start = monotonic_ns();
    for (int spin = 1;; spin++) {
        if (ready(arg)) return 1;
        NAS_PAUSE();
        if ((spin & 63) == 0 && monotonic_ns() - start > SPIN_NS) return ready(arg);
    }
}

/* Claims the next chunk of generation `gen`; -1 when the region has none left or is over. */
static int claim(uint32_t gen) {
    uint64_t t = atomic_load_explicit(&ticket, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(t >> 32) != gen) return -1;
        uint32_t next = (uint32_t)t;
        if (next >= job_chunks) return -1;
        if (atomic_compare_exchange_weak_explicit(&ticket, &t, t + 1, memory_order_acq_rel, memory_order_acquire))
            return (int)next;
    }
}

static void run_chunks(uint32_t gen) {
    int chunk;
    while ((chunk = claim(gen)) >= 0) {
        /* Read while the region is live: it cannot end before this chunk is counted. */
        const int chunks = (int)job_chunks;
        job_fn(job_ctx, chunk);
        /* The last chunk wakes a sleeping caller. The count and the flag are both sequentially
           consistent, as the caller's flag and its look at the count are, so one of the two
           sees the other; a wake-up that reaches a later region's caller is spurious, which
           its wait loop allows. */
        if (atomic_fetch_add(&done, 1) + 1 == chunks && atomic_load(&caller_sleeping)) {
            pthread_mutex_lock(&done_lock);
            pthread_cond_signal(&all_done);
            pthread_mutex_unlock(&done_lock);
        }
    }
}

static int generation_moved(const void *seen) {
    return (uint32_t)(atomic_load_explicit(&ticket, memory_order_acquire) >> 32) != *(const uint32_t *)seen;
}

static void *worker_main(void *arg) {
    const int index = (int)(intptr_t)arg;
    uint32_t seen = (uint32_t)(atomic_load(&ticket) >> 32);
    for (;;) {
        if (!spin_until(generation_moved, &seen)) {
            /* Announce the sleep first, then look once more: the caller publishes, then looks for
               sleepers, so one of the two sees the other (both sequentially consistent). */
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleepers, 1);
            while ((uint32_t)(atomic_load(&ticket) >> 32) == seen) pthread_cond_wait(&wake, &sleep_lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_lock);
        }
        seen = (uint32_t)(atomic_load(&ticket) >> 32);
        if (index < atomic_load_explicit(&job_helpers, memory_order_relaxed)) run_chunks(seen);
    }
    return NULL;
}

struct region_end { int chunks; };

/* Sequentially consistent: after the caller raises caller_sleeping, this look at the count
   is the half of the handshake the last worker's increment pairs with. */
static int region_done(const void *end) {
    return atomic_load(&done) >= ((const struct region_end *)end)->chunks;
}

void nas_parallel_for(int chunks, int threads, nas_task fn, void *ctx) {
    if (chunks <= 0) return;
    /* One thread, one chunk, or a region already running (a nested or concurrent call): the
       chunks run here, in order; the results are the same either way. */
    if (threads <= 1 || chunks == 1 || pthread_mutex_trylock(&submit_lock) != 0) {
        for (int c = 0; c < chunks; c++) fn(ctx, c);
        return;
    }
    int wanted = threads - 1 < MAX_WORKERS ? threads - 1 : MAX_WORKERS;
    while (workers < wanted) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker_main, (void *)(intptr_t)workers);
        pthread_attr_destroy(&attr);
        if (failed) break; /* fewer helpers; the caller still runs every chunk */
        workers++;
    }
    job_fn = fn;
    job_ctx = ctx;
    job_chunks = (uint32_t)chunks;
    atomic_store_explicit(&job_helpers, wanted < workers ? wanted : workers, memory_order_relaxed);
    atomic_store_explicit(&done, 0, memory_order_relaxed);
    uint32_t gen = (uint32_t)(atomic_load(&ticket) >> 32) + 1;
    atomic_store(&ticket, (uint64_t)gen << 32); /* publishes the region (sequentially consistent) */
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
    run_chunks(gen);
    const struct region_end end = {chunks};
    if (!spin_until(region_done, &end)) {
        pthread_mutex_lock(&done_lock);
        atomic_store(&caller_sleeping, 1);
        while (!region_done(&end)) pthread_cond_wait(&all_done, &done_lock);
        atomic_store(&caller_sleeping, 0);
        pthread_mutex_unlock(&done_lock);
    }
    pthread_mutex_unlock(&submit_lock);
}
