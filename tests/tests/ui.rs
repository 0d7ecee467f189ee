//! Compile-fail tests of `#[derive(Validate)]`: each misuse is an error at the right span that
//! says what is allowed (`ui/*.rs`, expected output in `ui/*.stderr`); and of the generated step
//! builders (`ui/steps/`): a `Message`'s steps out of order, a step left out, and the deprecated
//! `Message::new` by position.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    cases.compile_fail("ui/steps/*.rs");
}
