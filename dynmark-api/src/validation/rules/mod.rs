//! The rules behind `#[derive(Validate)]`, as plain functions: call them on any value.
//!
//! Each function answers one question about a `&str` and allocates nothing (except
//! [`is_http_url`] on URLs with unusual hosts, see its docs). The derive's failure codes and
//! messages are built around them; the rules are also usable on their own:
//!
//! ```
//! use dynmark_api::validation::rules;
//!
//! assert!(rules::is_originator("MAYFLOWER"));
//! assert!(rules::is_country_code("GBR"));
//! assert!(!rules::is_country_code("GB"));
//! assert!(rules::is_gsm7("Café at 5€?"));
//! assert!(!rules::is_gsm7("crème brûlée"));
//! ```
//!
//! # Failure codes
//!
//! The service's list of failure codes was not captured, so the derive names its codes the way
//! the one known code does (`FromEmpty`): the PascalCase of the field's JSON name, then what is
//! wrong. For a field `{P}` (`clientRef` → `ClientRef`):
//!
//! | rule | function | codes |
//! |---|---|---|
//! | `required` | [`is_blank`] | `{P}Empty` (blank, or an empty `Option`) |
//! | `length(min, max)` | [`char_count`] | `{P}TooShort`, `{P}TooLong` |
//! | `pattern = "..."` | (the regex, anchored) | `{P}Invalid` |
//! | `url` | [`is_http_url`] | `{P}Invalid` |
//! | `phone(country = ...)` | [`phone_number_format`] | `{P}Invalid`, `{P}LocalWithoutCountry` |
//! | `originator` | [`is_originator`] | `{P}Invalid` |
//! | `country` | [`is_country_code`] | `{P}Invalid` |
//! | `gsm7`, `gsm7(when = ...)` | [`is_gsm7`] | `{P}ContainsUnicode` |
//! | `after = other` | `>` | `{P}NotAfter{Q}` (`{Q}` for the other field) |
//! | `one_of(...)` | `==` | `{P}Invalid` |
//! | `items(min, max)` | `len()` | `{P}TooFew`, `{P}TooMany` |
//!
//! For the generated [`Message`](crate::Message) that gives `ToEmpty`, `ToInvalid`,
//! `ToLocalWithoutCountry`, `FromEmpty`, `FromInvalid`, `CountryIsoCodeInvalid`, `BodyEmpty`,
//! `BodyContainsUnicode`, `ValidUntilNotAfterDeliverAfter`, `ClientRefTooLong` and
//! `DeliveryStatusUrlInvalid`, all listed in [`FailureCode`](crate::FailureCode).
//!
//! Format rules (`pattern`, `url`, `phone`, `originator`, `country`) say nothing about an empty
//! string: `required` does. A failure's `details` is a sentence saying what was wrong and what is
//! allowed, e.g. "clientRef is 65 characters long; at most 64 are allowed".

mod country;
mod gsm7;
mod originator;
mod phone;
mod text;
mod url;

pub use crate::sms::unicode_chars;
pub use country::{COUNTRY_CODES, is_country_code};
pub use gsm7::{NonGsm7List, first_non_gsm7, is_gsm7, is_gsm7_char, non_gsm7_list};
pub use originator::{is_alphanumeric_originator, is_numeric_originator, is_originator};
pub use phone::{PhoneNumberFormat, is_international_number, is_local_number, phone_number_format};
pub use text::{char_count, is_blank};
pub use url::is_http_url;
