//! `x-dynmark-secret` on a string property: its value holds a secret (a receipt URL's token),
//! so the generated `Debug` never shows it.

use super::Reader;
use super::node::Node;

impl Reader {
    /// Whether `node` (a string property) is marked `x-dynmark-secret: true`.
    pub(super) fn secret(&mut self, node: &Node<'_>) -> bool {
        match node.get("x-dynmark-secret") {
            None => false,
            Some(flag) => match flag.value.as_bool() {
                Some(secret) => secret,
                None => self
                    .fail(flag.pointer.clone(), "expected true or false")
                    .unwrap_or(false),
            },
        }
    }
}
