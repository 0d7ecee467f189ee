//! A value of the document with its JSON pointer, and how problems name JSON values.

use serde_json::Value;

/// A value of the document and its JSON pointer.
#[derive(Clone)]
pub(super) struct Node<'a> {
    pub(super) value: &'a Value,
    pub(super) pointer: String,
}

impl<'a> Node<'a> {
    pub(super) fn root(value: &'a Value) -> Self {
        Node {
            value,
            pointer: String::new(),
        }
    }

    pub(super) fn pointer_of(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, escape_pointer(key))
    }

    pub(super) fn get(&self, key: &str) -> Option<Node<'a>> {
        self.value.get(key).map(|value| Node {
            value,
            pointer: self.pointer_of(key),
        })
    }

    pub(super) fn index(&self, index: usize) -> Option<Node<'a>> {
        self.value.get(index).map(|value| Node {
            value,
            pointer: format!("{}/{index}", self.pointer),
        })
    }

    /// The members of an object (empty for anything else), in document order.
    pub(super) fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        match self.value {
            Value::Object(map) => map
                .iter()
                .map(|(key, value)| {
                    (
                        key.as_str(),
                        Node {
                            value,
                            pointer: self.pointer_of(key),
                        },
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The items of an array (empty for anything else).
    pub(super) fn items(&self) -> Vec<Node<'a>> {
        match self.value {
            Value::Array(items) => (0..items.len()).filter_map(|i| self.index(i)).collect(),
            _ => Vec::new(),
        }
    }
}

/// What a JSON value is, for messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON pointer reference token (RFC 6901): `~` → `~0`, `/` → `~1`.
pub(super) fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
