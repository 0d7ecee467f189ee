//! What the code emitted by `#[derive(Validate)]` calls. Not a public API: its items may change
//! in any release; call the functions of [`rules`](super::rules) instead.
//!
//! Every check takes the report, the path of the struct being validated, the field's JSON name
//! and its failure code(s) as literals; the field's path, the [`FailureCode`] and the sentence for
//! a human are built only when a rule is broken, so a valid value costs no allocation.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

pub use regex_lite::Regex;
pub use std::sync::LazyLock;

use super::rules;
use super::{Path, Report};
use crate::FailureCode;

/// A string field's text, if any: implemented for the string types the derive accepts and for
/// `Option`s and references of them.
pub trait Text {
    /// The text, or `None` for an empty `Option`.
    fn text(&self) -> Option<&str>;
}

impl Text for str {
    #[inline]
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

macro_rules! text_via_deref {
    ($($ty:ty),*) => {$(
        impl Text for $ty {
            #[inline]
            fn text(&self) -> Option<&str> {
                Some(self)
            }
        }
    )*};
}

text_via_deref!(String, Cow<'_, str>, Box<str>, Rc<str>, Arc<str>);

impl<T: Text + ?Sized> Text for &T {
    #[inline]
    fn text(&self) -> Option<&str> {
        (**self).text()
    }
}

impl<T: Text> Text for Option<T> {
    #[inline]
    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(Text::text)
    }
}

/// A flag field (`gsm7(when = ...)`): `bool` or `Option<bool>` (absent is false).
pub trait Flag {
    /// `true` when the flag is set.
    fn is_set(&self) -> bool;
}

impl Flag for bool {
    #[inline]
    fn is_set(&self) -> bool {
        *self
    }
}

impl Flag for Option<bool> {
    #[inline]
    fn is_set(&self) -> bool {
        *self == Some(true)
    }
}

impl<T: Flag + ?Sized> Flag for &T {
    #[inline]
    fn is_set(&self) -> bool {
        (**self).is_set()
    }
}

/// The text of a string field.
#[inline]
pub fn text<T: Text + ?Sized>(value: &T) -> Option<&str> {
    value.text()
}

/// `true` when a string field holds non-blank text (a sibling country "is set").
#[inline]
pub fn given<T: Text + ?Sized>(value: &T) -> bool {
    value.text().is_some_and(|text| !rules::is_blank(text))
}

/// `true` when a flag field is set.
#[inline]
pub fn flag<T: Flag + ?Sized>(value: &T) -> bool {
    value.is_set()
}

/// Compiles a pattern the derive already compiled once at expansion time.
pub fn compile_pattern(regex: &str) -> Regex {
    Regex::new(regex).expect("#[derive(Validate)] checked this pattern when it expanded")
}

#[cold]
#[inline(never)]
fn fail(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    details: fmt::Arguments<'_>,
) {
    report.fail(
        &path.field(name),
        FailureCode::from(code),
        details.to_string(),
    );
}

/// `required`: the text, when present and not blank; otherwise records `code` and returns `None`.
#[inline]
pub fn required<'v>(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    value: Option<&'v str>,
) -> Option<&'v str> {
    match value {
        Some(text) if !rules::is_blank(text) => Some(text),
        Some(_) => {
            fail(
                report,
                path,
                name,
                code,
                format_args!("{name} is empty; a value other than whitespace is required"),
            );
            None
        }
        None => {
            fail(
                report,
                path,
                name,
                code,
                format_args!("{name} is missing; a value is required"),
            );
            None
        }
    }
}

/// `length(min, max)`, in characters.
#[inline]
pub fn length(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    [too_short, too_long]: [&'static str; 2],
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) {
    // A character is 1 to 4 bytes: most values are decided by their byte length alone.
    let bytes = value.len();
    if let Some(max) = max
        && bytes > max
    {
        let count = rules::char_count(value);
        if count > max {
            let unit = plural(max, "is", "are");
            let chars = plural(count, "character", "characters");
            fail(
                report,
                path,
                name,
                too_long,
                format_args!("{name} is {count} {chars} long; at most {max} {unit} allowed"),
            );
        }
    }
    if let Some(min) = min
        && bytes / 4 < min
    {
        let count = rules::char_count(value);
        if count < min {
            let unit = plural(min, "is", "are");
            let chars = plural(count, "character", "characters");
            fail(
                report,
                path,
                name,
                too_short,
                format_args!("{name} is {count} {chars} long; at least {min} {unit} required"),
            );
        }
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `pattern = "..."`: the whole value matches.
#[inline]
pub fn pattern(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    value: &str,
    regex: &Regex,
    written: &str,
) {
    if !value.is_empty() && !regex.is_match(value) {
        fail(
            report,
            path,
            name,
            code,
            format_args!("{name} does not match the pattern `{written}`"),
        );
    }
}

/// `url`: an absolute `http`/`https` URL.
#[inline]
pub fn url(report: &mut Report, path: &Path<'_>, name: &str, code: &'static str, value: &str) {
    if !value.is_empty() && !rules::is_http_url(value) {
        fail(
            report,
            path,
            name,
            code,
            format_args!(
                "{name} is not an absolute http or https URL; expected one such as https://example.com/receipts"
            ),
        );
    }
}

/// `phone(country = ...)`: `country` is the sibling's JSON name and whether it is set.
#[inline]
pub fn phone(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    [invalid, local_without_country]: [&'static str; 2],
    value: &str,
    country: Option<(&str, bool)>,
) {
    if value.is_empty() {
        return;
    }
    match rules::phone_number_format(value) {
        Some(rules::PhoneNumberFormat::International) => {}
        Some(rules::PhoneNumberFormat::Local) if country.is_some_and(|(_, set)| set) => {}
        Some(rules::PhoneNumberFormat::Local) => match country {
            Some((country, _)) => fail(
                report,
                path,
                name,
                local_without_country,
                format_args!(
                    "{name} is a local number but {country} is not set; set {country} or give the number in international format, digits only with the country code (e.g. 447123123456)"
                ),
            ),
            None => fail(
                report,
                path,
                name,
                local_without_country,
                format_args!(
                    "{name} is a local number; give it in international format, digits only with the country code (e.g. 447123123456)"
                ),
            ),
        },
        None => {
            let local = match country {
                Some((country, _)) => format!(
                    ", or a local number (digits and spaces, e.g. 07123 123456) with {country} set"
                ),
                None => String::new(),
            };
            fail(
                report,
                path,
                name,
                invalid,
                format_args!(
                    "{name} is not a phone number; expected international format, 7 to 15 digits starting with the country code, without + or spaces (e.g. 447123123456){local}"
                ),
            );
        }
    }
}

/// `originator`.
#[inline]
pub fn originator(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    value: &str,
) {
    if !value.is_empty() && !rules::is_originator(value) {
        fail(
            report,
            path,
            name,
            code,
            format_args!(
                "{name} is not a valid originator; expected 2 to 15 digits (optionally after a leading +) or 2 to 11 characters of 0-9 a-z A-Z hyphen, underscore, full stop and space"
            ),
        );
    }
}

/// `country`: an assigned ISO 3166-1 alpha-3 code.
#[inline]
pub fn country(report: &mut Report, path: &Path<'_>, name: &str, code: &'static str, value: &str) {
    if !value.is_empty() && !rules::is_country_code(value) {
        let hint = if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
            " (a two-letter code is ISO 3166-1 alpha-2)"
        } else {
            ""
        };
        fail(
            report,
            path,
            name,
            code,
            format_args!(
                "{name} is not an assigned ISO 3166-1 alpha-3 country code{hint}; expected three capital letters such as GBR"
            ),
        );
    }
}

/// `gsm7` / `gsm7(when = ...)` (the emitted code checks the flag): `when` is the flag's JSON name.
#[inline]
pub fn gsm7(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    value: &str,
    when: Option<&str>,
) {
    if rules::is_gsm7(value) {
        return;
    }
    let because = match when {
        Some(flag) => format!("; with {flag} set, only GSM 03.38 characters are allowed"),
        None => "; only GSM 03.38 characters are allowed".to_owned(),
    };
    let count = rules::unicode_chars(value).count();
    let characters = plural(count, "character", "characters");
    fail(
        report,
        path,
        name,
        code,
        format_args!(
            "{name} contains {count} {characters} outside the GSM 03.38 alphabet, which would make it Unicode (UCS-2): {}{because}",
            rules::non_gsm7_list(value)
        ),
    );
}

/// `one_of(...)`.
#[inline]
pub fn one_of(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    value: &str,
    allowed: &[&str],
) {
    if !allowed.contains(&value) {
        fail(
            report,
            path,
            name,
            code,
            format_args!("{name} must be one of: {}", allowed.join(", ")),
        );
    }
}

/// `after = other`: `value` later than `other` (both present).
#[inline]
pub fn after<A, B>(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    code: &'static str,
    value: &A,
    other_name: &str,
    other: &B,
) where
    A: PartialOrd<B> + fmt::Debug,
    B: fmt::Debug,
{
    if value.partial_cmp(other) != Some(std::cmp::Ordering::Greater) {
        fail(
            report,
            path,
            name,
            code,
            format_args!(
                "{name} ({value:?}) is not after {other_name} ({other:?}); it must be later"
            ),
        );
    }
}

/// `items(min, max)`.
#[inline]
pub fn items(
    report: &mut Report,
    path: &Path<'_>,
    name: &str,
    [too_few, too_many]: [&'static str; 2],
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
) {
    if let Some(max) = max
        && len > max
    {
        let unit = plural(max, "is", "are");
        let things = plural(len, "item", "items");
        fail(
            report,
            path,
            name,
            too_many,
            format_args!("{name} has {len} {things}; at most {max} {unit} allowed"),
        );
    }
    if let Some(min) = min
        && len < min
    {
        let unit = plural(min, "is", "are");
        let things = plural(len, "item", "items");
        fail(
            report,
            path,
            name,
            too_few,
            format_args!("{name} has {len} {things}; at least {min} {unit} required"),
        );
    }
}
