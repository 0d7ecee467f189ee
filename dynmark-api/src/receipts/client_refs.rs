//! [`assign_client_refs`]: a unique `clientRef` for every message without one, since it is the
//! only key a delivery receipt carries.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;

use crate::Message;

/// The longest `clientRef` Dynmark takes (the spec's `maxLength`).
pub const MAX_CLIENT_REF_CHARS: usize = 64;

/// Gives every message whose `clientRef` is absent or empty a new unique one, and passes the
/// others through unchanged (their references are yours: keep them unique if you want to tell
/// their receipts apart; [`Tracker::track`](super::Tracker::track) refuses a duplicate).
///
/// A reference is `dm-` then 16 random URL-safe base64 characters drawn once per call, `-` and
/// a number counting up across the process: at most 40 characters, and unique across calls and
/// processes (96 random bits per call).
///
/// ```
/// use dynmark_api::Message;
/// use dynmark_api::receipts::assign_client_refs;
///
/// let messages: Vec<Message> = assign_client_refs([
///     Message::to("447700900000").from("Example").body("Hello"),
///     Message::to("447700900111").from("Example").body("Hello").with_client_ref("mine"),
/// ])
/// .collect();
/// assert!(messages[0].client_ref.as_deref().unwrap().starts_with("dm-"));
/// assert_eq!(messages[1].client_ref.as_deref(), Some("mine"));
/// ```
pub fn assign_client_refs<I>(messages: I) -> AssignClientRefs<I::IntoIter>
where
    I: IntoIterator<Item = Message>,
{
    AssignClientRefs {
        messages: messages.into_iter(),
        run: run_id(),
    }
}

/// The iterator [`assign_client_refs`] returns.
#[derive(Debug, Clone)]
pub struct AssignClientRefs<I> {
    messages: I,
    run: String,
}

impl<I: Iterator<Item = Message>> Iterator for AssignClientRefs<I> {
    type Item = Message;

    fn next(&mut self) -> Option<Message> {
        let mut message = self.messages.next()?;
        if message.client_ref.as_deref().is_none_or(str::is_empty) {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            message.client_ref = Some(format!("dm-{}-{n}", self.run));
        }
        Some(message)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.messages.size_hint()
    }
}

/// 16 URL-safe base64 characters: 12 random bytes, or, should the operating system's random
/// source fail, the time and the process id (still unique within the process, thanks to the
/// counter).
fn run_id() -> String {
    let mut bytes = [0u8; 12];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
        bytes[8..].copy_from_slice(&std::process::id().to_le_bytes());
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn unique_short_and_only_where_missing() {
        let message = |r: Option<&str>| {
            let m = Message::to("447700900000").from("Example").body("Hi");
            match r {
                Some(r) => m.with_client_ref(r),
                None => m,
            }
        };
        let input = (0..1000).map(|i| message(if i % 3 == 0 { Some("") } else { None }));
        let mut seen = HashSet::new();
        for m in assign_client_refs(input).chain(assign_client_refs([message(Some("kept"))])) {
            let r = m.client_ref.unwrap();
            assert!(
                !r.is_empty() && r.chars().count() <= MAX_CLIENT_REF_CHARS,
                "{r}"
            );
            assert!(seen.insert(r));
        }
        assert!(seen.contains("kept"));
        assert_eq!(seen.len(), 1001);
        let a: Vec<_> = assign_client_refs([message(None)]).collect();
        let b: Vec<_> = assign_client_refs([message(None)]).collect();
        assert_ne!(
            a[0].client_ref.as_deref().unwrap()[..19],
            b[0].client_ref.as_deref().unwrap()[..19]
        );
    }
}
