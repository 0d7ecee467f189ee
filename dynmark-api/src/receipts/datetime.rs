//! Date-times as Dynmark sends them, all taken as UTC: in the forms the spec lists
//! (`x-dynmark-date-time-formats`: the receipt's `yyyy-MM-dd'T'HH:mm:ss.SSS`, milliseconds and
//! a trailing `Z` optional, the inbound message's `dd MMM yyyy HH:mm:ss`), or RFC 3339.

use chrono::{DateTime, NaiveDateTime, Utc};

/// What a date-time parameter may look like, in words (for errors).
pub(crate) const EXPECTED: &str = "a date-time like 2016-01-21T09:19:24.123 (milliseconds and a trailing Z optional) or 21 Jan 2016 09:19:24";

/// Reads `value` in one of `forms` (`chrono` patterns, from the spec) or as RFC 3339.
pub(crate) fn read(value: &str, forms: &[&str]) -> Option<DateTime<Utc>> {
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(value) {
        return Some(with_offset.with_timezone(&Utc));
    }
    forms
        .iter()
        .find_map(|form| NaiveDateTime::parse_from_str(value, form).ok())
        .map(|naive| naive.and_utc())
}

/// The receipt form the sandbox sends, as Dynmark's sample reads it: `2016-01-21T09:19:24.123`.
pub(crate) fn receipt_form(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

/// The inbound form: `21 Jan 2016 09:19:24`.
pub(crate) fn inbound_form(at: &DateTime<Utc>) -> String {
    at.format("%d %b %Y %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn read(text: &str) -> Option<DateTime<Utc>> {
        let forms = crate::requests_to_you::DELIVERY_RECEIPT
            .iter()
            .find_map(|p| match p.kind {
                crate::receipts::QueryKind::DateTime(forms) => Some(forms),
                _ => None,
            })
            .unwrap_or_default();
        super::read(text, forms)
    }

    fn at(ms: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2016, 1, 21, 9, 19, 24).unwrap()
            + chrono::Duration::milliseconds(ms.into())
    }

    #[test]
    fn every_sample_form() {
        for (text, expected) in [
            ("2016-01-21T09:19:24.123", at(123)),
            ("2016-01-21T09:19:24.123Z", at(123)),
            ("2016-01-21T09:19:24", at(0)),
            ("2016-01-21T09:19:24Z", at(0)),
            ("2016-01-21T10:19:24.123+01:00", at(123)),
            ("21 Jan 2016 09:19:24", at(0)),
            ("21 jan 2016 09:19:24", at(0)),
        ] {
            assert_eq!(read(text), Some(expected), "{text}");
        }
        for text in [
            "",
            "2016-13-01T00:00:00",
            "21 Foo 2016 09:19:24",
            "yesterday",
            "2016-01-21",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    #[test]
    fn the_sandbox_forms_read_back() {
        assert_eq!(receipt_form(&at(7)), "2016-01-21T09:19:24.007");
        assert_eq!(inbound_form(&at(0)), "21 Jan 2016 09:19:24");
        assert_eq!(read(&receipt_form(&at(7))), Some(at(7)));
        assert_eq!(read(&inbound_form(&at(0))), Some(at(0)));
    }
}
