// The allocator's arenas (glibc's malloc; nothing elsewhere).
#pragma once

namespace popreg {

// Lets glibc's malloc make at most one arena per core. By default it makes up to eight per core
// for the threads that allocate, and what one thread frees only its own arena's allocations
// reuse: a comparison's phases run on different threads (the reading thread, oneTBB's workers),
// so each phase's garbage stayed resident in its arena beside the next phase's memory (a million
// persons' comparison peaked at 1.51 GB instead of 1.41). Call once, before any thread starts.
void OneAllocatorArenaPerCore();

// Hands the allocator's free pages back to the system (glibc's malloc_trim: the free pages of
// every arena, not only the top of the heap). A long phase that frees much of what it made
// leaves it resident otherwise, below the next phase's memory: call it between such phases.
void ReturnFreeMemory();

}  // namespace popreg
