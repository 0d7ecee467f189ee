//! `Parts::of` allocates nothing for a GSM-7 body of one part (the common case), one list for
//! a longer body (its part starts) and one for a UCS-2 body (its characters outside GSM 03.38).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use dynmark_api::sms::{Parts, unicode_chars};

/// Counts the allocations of the current thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_of<T>(f: impl FnOnce() -> T) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    let after = ALLOCATIONS.with(Cell::get);
    drop(value);
    after - before
}

#[test]
fn one_gsm7_part_allocates_nothing() {
    for body in [
        "",
        "Hello, this is a test message",
        "Café: 5€ [ok] {ÆØÅ} ΔΦΓ",
        &"a".repeat(160),
    ] {
        assert_eq!(allocations_of(|| Parts::of(body)), 0, "{body:?}");
        assert_eq!(allocations_of(|| unicode_chars(body).count()), 0);
    }
}

#[test]
fn longer_and_ucs2_bodies_allocate_one_list_each() {
    let long = "a".repeat(1000);
    assert_eq!(allocations_of(|| Parts::of(&long)), 1);
    assert_eq!(allocations_of(|| Parts::of("Crêpes 😀")), 1);
    let long_ucs2 = "😀".repeat(100);
    assert_eq!(allocations_of(|| Parts::of(&long_ucs2)), 2);
    assert_eq!(allocations_of(|| unicode_chars(&long_ucs2).count()), 0);
    // Escape pairs: 2,000 septets in 14 parts, still one list.
    let braces = "{".repeat(1000);
    assert_eq!(allocations_of(|| Parts::of(&braces)), 1);
    assert_eq!(Parts::of(&braces).count(), 14);
}
