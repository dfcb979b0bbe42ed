#include "nas_kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

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
   workers stay: after a region they spin (with pause) for a while, watching for the next one,
   and only then sleep on a condition variable.

   Who runs which chunk does not matter for the results: each chunk is claimed by exactly one
   thread (a compare-and-swap on `ticket`), and the caller's chunks own their outputs. The
   ticket packs the region's generation (high 32 bits) with the next unclaimed chunk (low 32
   bits), so a worker still looking at a finished region can never claim a chunk of the next
   one by mistake; the caller claims chunks too, so a worker that is slow to wake (a busy
   machine) delays nothing beyond the chunks it actually took. */

enum { MAX_WORKERS = 63, SPIN_ROUNDS = 1 << 14 };

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER; /* one region at a time */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleepers;
static int workers; /* started so far; guarded by submit_lock */

/* The region being run. fn/ctx/chunks are written before the ticket announces the region and
   read only after a successful claim, which the caller cannot outrun (it waits for `done`). */
static nas_task job_fn;
static void *job_ctx;
static uint32_t job_chunks;
static atomic_int job_helpers; /* workers 0 ..< job_helpers take part: the caller's thread count less one */
static _Atomic uint64_t ticket;
static atomic_int done;

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
        job_fn(job_ctx, chunk);
        atomic_fetch_add_explicit(&done, 1, memory_order_release);
    }
}

static void *worker_main(void *arg) {
    const int index = (int)(intptr_t)arg;
    uint32_t seen = (uint32_t)(atomic_load(&ticket) >> 32);
    for (;;) {
        uint32_t gen = seen;
        for (int spin = 0; spin < SPIN_ROUNDS; spin++) {
            gen = (uint32_t)(atomic_load_explicit(&ticket, memory_order_acquire) >> 32);
            if (gen != seen) break;
            NAS_PAUSE();
        }
        if (gen == seen) {
            /* Announce the sleep first, then look once more: the caller publishes, then looks for
               sleepers, so one of the two sees the other (both sequentially consistent). */
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleepers, 1);
            while ((uint32_t)(atomic_load(&ticket) >> 32) == seen) pthread_cond_wait(&wake, &sleep_lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_lock);
            gen = (uint32_t)(atomic_load(&ticket) >> 32);
        }
        seen = gen;
        if (index < atomic_load_explicit(&job_helpers, memory_order_relaxed)) run_chunks(gen);
    }
    return NULL;
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
    while (atomic_load_explicit(&done, memory_order_acquire) < chunks) NAS_PAUSE();
    pthread_mutex_unlock(&submit_lock);
}
