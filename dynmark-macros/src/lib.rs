//! `#[derive(Validate)]` for `dynmark-api`.
//!
//! The derive reads `#[validate(...)]` field attributes (the syntax is the workspace's Contract 2,
//! see `DEVELOPERS.md`) and implements `dynmark_api::validation::Validate`. It works in three
//! stages, one module each, and each stage's types say what the next one may assume:
//!
//! 1. `syntax`: what was written. The derive input and its attributes become a plain model
//!    (rules with typed arguments); unknown rules and arguments of the wrong kind are errors here.
//! 2. `check`: is it meaningful. Each rule is matched against its field's type, duplicates and
//!    sibling fields are checked, JSON names and failure codes are computed.
//! 3. `emit`: tokens, from the checked model only.
//!
//! Every error of one input is collected and reported at once, each at the span of the token that
//! caused it.
//!
//! The generated code names the runtime through a path, `::dynmark_api` unless the container says
//! `#[validate(crate = "some::path")]` (the generated types inside `dynmark-api` use `"crate"`).

mod check;
mod emit;
mod names;
mod syntax;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Implements `Validate` from `#[validate(...)]` field attributes.
///
/// ```text
/// #[derive(dynmark_api::Validate)]
/// struct Contact {
///     #[validate(required, length(max = 64))]
///     name: String,
///     #[validate(phone(country = country))]
///     phone: String,
///     #[validate(country)]
///     country: Option<String>,
/// }
/// ```
///
/// Rules: `required`, `length(min = N, max = M)`, `pattern = "regex"`, `url`,
/// `phone(country = field)`, `originator`, `country`, `gsm7` / `gsm7(when = field)`,
/// `after = field`, `one_of("a", "b")`, `items(min = N, max = M)`, `nested` /
/// `nested(flatten)` (the inner failures at this struct's own path); container:
/// `crate = "path"`. Failure codes are `{P}Empty`, `{P}TooLong`, ... with `{P}` the PascalCase of
/// the field's JSON name (serde's `rename` / `rename_all` are followed); the runtime's
/// `dynmark_api::validation::rules` documents them all.
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input).into()
}

/// The whole derive as a function of the parsed input: the `impl` block, or `compile_error!`s for
/// every mistake found.
pub(crate) fn expand(input: &DeriveInput) -> proc_macro2::TokenStream {
    let mut errors = Errors::default();
    let parsed = syntax::parse(input, &mut errors);
    let checked = parsed.and_then(|parsed| check::check(parsed, &mut errors));
    match (errors.into_error(), checked) {
        (Some(error), _) => error.into_compile_error(),
        (None, Some(container)) => emit::emit(&container),
        (None, None) => unreachable!("a stage returned nothing without reporting an error"),
    }
}

/// Errors collected across the stages, reported together.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Records one error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Records an error at `span`.
    pub(crate) fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error spanning the tokens of `tokens`.
    pub(crate) fn spanned(
        &mut self,
        tokens: impl quote::ToTokens,
        message: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    fn into_error(self) -> Option<syn::Error> {
        self.errors.into_iter().reduce(|mut all, next| {
            all.combine(next);
            all
        })
    }
}

#[cfg(test)]
mod tests;
