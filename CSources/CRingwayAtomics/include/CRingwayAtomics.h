#ifndef C_RINGWAY_ATOMICS_H
#define C_RINGWAY_ATOMICS_H

#include <stdint.h>

// Relaxed 64-bit atomics on raw memory, for metric cells.
//
// Swift's `Atomic<T>` must live in its own stable storage and is ~Copyable;
// metric shards are one flat preallocated block of cells addressed by index,
// so they need atomics on a plain `uint64_t *`. Relaxed order is enough: a
// cell is a statistic, not a flag that publishes other memory, and each cell
// on its own is coherent (a reader never sees it go backwards). On x86-64
// and AArch64 a relaxed aligned load or store is a plain `mov` / `ldr` /
// `str`: the point is only to forbid tearing and to make the data race
// defined behaviour.

/// Returns *cell, read atomically with relaxed order.
static inline uint64_t rw_atomic_load_relaxed(const uint64_t *cell) {
    return __atomic_load_n(cell, __ATOMIC_RELAXED);
}

/// Writes value to *cell atomically with relaxed order.
static inline void rw_atomic_store_relaxed(uint64_t *cell, uint64_t value) {
    __atomic_store_n(cell, value, __ATOMIC_RELAXED);
}

/// Adds delta to *cell in one relaxed read-modify-write (`lock xadd`, ~20
/// cycles); returns the previous value. For cells with several writers only:
/// a single writer uses load + store, which costs no more than a plain add.
static inline uint64_t rw_atomic_fetch_add_relaxed(uint64_t *cell, uint64_t delta) {
    return __atomic_fetch_add(cell, delta, __ATOMIC_RELAXED);
}

#endif
