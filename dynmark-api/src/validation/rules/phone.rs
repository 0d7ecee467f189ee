//! Phone numbers (`to`): international digits, or a local number when a country is given.

/// How a phone number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneNumberFormat {
    /// International format: the country code then the national number, digits only, e.g.
    /// `447123123456` (see [`is_international_number`]).
    International,
    /// Local (national) format, digits and spaces, e.g. `07777 123123` (see [`is_local_number`]).
    /// Dynmark accepts it only together with a `countryIsoCode`.
    Local,
}

/// The format `s` is written in, international first; `None` when it is neither.
pub fn phone_number_format(s: &str) -> Option<PhoneNumberFormat> {
    if is_international_number(s) {
        Some(PhoneNumberFormat::International)
    } else if is_local_number(s) {
        Some(PhoneNumberFormat::Local)
    } else {
        None
    }
}

/// `true` for a number in international format as Dynmark writes it: the country code and the
/// national number, 7 to 15 digits (the E.164 maximum) not starting with `0`, and nothing else: no
/// `+`, no spaces. `447123123456` is international; `+447123123456`, `07123123456` and
/// `44 7123 123456` are not.
pub fn is_international_number(s: &str) -> bool {
    (7..=15).contains(&s.len()) && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())
}

/// `true` for a number in local format: digits and spaces, starting and ending with a digit, with
/// 4 to 15 digits, e.g. `07123123456` or `07777 123123`. Only meaningful with a country.
pub fn is_local_number(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let mut digits = 0usize;
    for &b in bytes {
        match b {
            b'0'..=b'9' => digits += 1,
            b' ' => {}
            _ => return false,
        }
    }
    first.is_ascii_digit() && last.is_ascii_digit() && (4..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            phone_number_format("447700900000"),
            Some(PhoneNumberFormat::International)
        );
        assert_eq!(phone_number_format("+447700900000"), None);
        assert_eq!(
            phone_number_format("07123123456"),
            Some(PhoneNumberFormat::Local)
        );
        assert_eq!(
            phone_number_format("07777 123123"),
            Some(PhoneNumberFormat::Local)
        );
        assert_eq!(
            phone_number_format("44 7700 900000"),
            Some(PhoneNumberFormat::Local)
        );
        assert_eq!(
            phone_number_format("123456789012345"),
            Some(PhoneNumberFormat::International)
        );
        assert_eq!(phone_number_format("1234567890123456"), None);
        assert_eq!(phone_number_format("+44 7700 900000"), None);
        assert_eq!(phone_number_format(" 0777"), None);
        assert_eq!(phone_number_format("077-123"), None);
        assert_eq!(phone_number_format("123"), None);
        assert_eq!(phone_number_format(""), None);
    }
}
