//! [`ClientRefIndex`]: a send's report looked up by `clientRef`, the key a receipt carries.

use std::collections::HashMap;

use crate::{Message, Outcome, SendReport};

/// Finds a message's outcome in a [`SendReport`] by its `clientRef`: the report holds one
/// outcome per input message, in input order, so the messages given to `send` say which is
/// which.
///
/// `ClientRefIndex::new(&messages, &report).get("order-1")` gives `Some((0, &Outcome::Accepted))`
/// when the first message sent had `clientRef` `order-1` and was accepted.
#[derive(Debug, Clone)]
pub struct ClientRefIndex<'a> {
    by_ref: HashMap<&'a str, usize>,
    report: &'a SendReport,
}

impl<'a> ClientRefIndex<'a> {
    /// Indexes `report` by the `clientRef`s of `messages` (the ones given to `send`, in the same
    /// order). A message without one, or with an empty one, cannot be found; when several share
    /// one, the first is found.
    pub fn new(messages: &'a [Message], report: &'a SendReport) -> ClientRefIndex<'a> {
        let mut by_ref = HashMap::with_capacity(messages.len());
        for (index, message) in messages.iter().enumerate().take(report.len()) {
            if let Some(client_ref) = message.client_ref.as_deref().filter(|r| !r.is_empty()) {
                by_ref.entry(client_ref).or_insert(index);
            }
        }
        ClientRefIndex { by_ref, report }
    }

    /// The input index and outcome of the message with this `clientRef`.
    pub fn get(&self, client_ref: &str) -> Option<(usize, &'a Outcome)> {
        let index = *self.by_ref.get(client_ref)?;
        self.report.get(index).map(|outcome| (index, outcome))
    }
}
