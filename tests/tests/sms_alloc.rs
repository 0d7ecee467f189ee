//! `Parts::of` allocates nothing for a GSM-7 body of one part (the common case), one list for
//! a longer body (its part starts) and one for a UCS-2 body (its characters outside GSM 03.38).

use dynmark_tests::alloc::{Counting, allocations_of};

use dynmark_api::sms::{Parts, unicode_chars};

#[global_allocator]
static GLOBAL: Counting = Counting;

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
