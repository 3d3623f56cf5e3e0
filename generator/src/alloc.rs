//! The global allocator (with the `mimalloc` feature): mimalloc, with its
//! arenas committed on demand.
//!
//! mimalloc keeps memory the program has freed for reuse, and returns it
//! to the system ("purges" it) after a short delay. By default, on Linux,
//! it commits its arenas eagerly, and then the pages it purges stay in the
//! resident set: at 10,000 profiles (minimal templates) a build peaked at
//! 152 MiB. With arenas committed on demand a purge decommits them and the
//! build peaks at 128 MiB, for about 0.07 s more system time (pages
//! touched again; BENCHMARKS.md). mimalloc reads that option only where it
//! reserves an arena, which the first allocation does, so the allocator
//! sets it on its own first call. `MIMALLOC_ARENA_EAGER_COMMIT` in the
//! environment still wins.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{c_int, c_long};
use std::sync::atomic::{AtomicBool, Ordering};

/// `mi_option_arena_eager_commit`: option 4 of `mi_option_e` in
/// mimalloc.h, in mimalloc v2 and v3 (the mimalloc crate does not name it).
const ARENA_EAGER_COMMIT: c_int = 4;

extern "C" {
    // From the mimalloc C library that libmimalloc-sys compiles and links.
    fn mi_option_set(option: c_int, value: c_long);
}

/// mimalloc, with [`ARENA_EAGER_COMMIT`] set to 0 before its first
/// allocation.
pub struct Allocator;

static CONFIGURED: AtomicBool = AtomicBool::new(false);

/// Sets the options, once. Runs inside the allocator: it must not
/// allocate (no `std::env`: the C library's `getenv` reads the environment
/// in place). The first allocation comes before the program starts a
/// thread, so no other thread allocates before the option is set.
#[cold]
fn configure() {
    if CONFIGURED.swap(true, Ordering::Relaxed) {
        return;
    }
    // SAFETY: a NUL-terminated name; `getenv` only reads the environment
    // (nothing in the program sets variables before its first allocation).
    let set_by_user = !unsafe { libc::getenv(c"MIMALLOC_ARENA_EAGER_COMMIT".as_ptr()) }.is_null();
    if !set_by_user {
        // SAFETY: sets one integer option; mimalloc reads it where it
        // reserves an arena.
        unsafe { mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }
}

#[inline]
fn ensure_configured() {
    if !CONFIGURED.load(Ordering::Relaxed) {
        configure();
    }
}

// SAFETY: every call is mimalloc's own; `ensure_configured` does not
// allocate.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ensure_configured();
        mimalloc::MiMalloc.alloc(layout)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ensure_configured();
        mimalloc::MiMalloc.alloc_zeroed(layout)
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ensure_configured();
        mimalloc::MiMalloc.realloc(ptr, layout, new_size)
    }
}
