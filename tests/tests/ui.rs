//! Compile-fail tests of `#[derive(Validate)]`: each misuse is an error at the right span that
//! says what is allowed (`ui/*.rs`, expected output in `ui/*.stderr`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
