//! The primitives every part of the reader uses: recording a problem, refusing unknown keys,
//! reading a value of the expected JSON type.

use serde_json::{Map, Value};

use super::Reader;
use super::node::{Node, kind};
use crate::error::Problem;

impl Reader {
    pub(super) fn fail<T>(
        &mut self,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Option<T> {
        self.problems.push(Problem {
            pointer: pointer.into(),
            message: message.into(),
        });
        None
    }

    /// Records every member of `node` that is not in `supported`. Other vendors' `x-` extensions
    /// are theirs and left alone; an unknown `x-dynmark-` one is ours and refused.
    pub(super) fn check_keys(&mut self, node: &Node<'_>, supported: &[&str]) {
        for (key, child) in node.entries() {
            if supported.contains(&key) {
                continue;
            }
            if key.starts_with("x-") && !key.starts_with("x-dynmark-") {
                continue;
            }
            let what = if key.starts_with("x-dynmark-") {
                format!("unknown extension `{key}`")
            } else {
                format!("`{key}` is not supported here")
            };
            self.fail::<()>(
                child.pointer,
                format!("{what}; supported: {}", supported.join(", ")),
            );
        }
    }

    pub(super) fn object<'a>(&mut self, node: &Node<'a>) -> Option<&'a Map<String, Value>> {
        match node.value {
            Value::Object(map) => Some(map),
            other => self.fail(
                node.pointer.clone(),
                format!("expected an object, found {}", kind(other)),
            ),
        }
    }

    pub(super) fn string<'a>(&mut self, node: &Node<'a>) -> Option<&'a str> {
        match node.value {
            Value::String(text) => Some(text),
            other => self.fail(
                node.pointer.clone(),
                format!("expected a string, found {}", kind(other)),
            ),
        }
    }

    pub(super) fn required_string<'a>(&mut self, parent: &Node<'a>, key: &str) -> Option<&'a str> {
        match parent.get(key) {
            Some(node) => self.string(&node),
            None => self.fail(parent.pointer_of(key), "is missing; it is required"),
        }
    }

    pub(super) fn optional_string(&mut self, parent: &Node<'_>, key: &str) -> Option<String> {
        let node = parent.get(key)?;
        self.string(&node).map(str::to_owned)
    }

    pub(super) fn count(&mut self, node: &Node<'_>) -> Option<u64> {
        match node.value.as_u64() {
            Some(count) => Some(count),
            None => self.fail(
                node.pointer.clone(),
                format!(
                    "expected a non-negative integer, found {}",
                    kind(node.value)
                ),
            ),
        }
    }

    pub(super) fn must_be_true(&mut self, node: &Node<'_>) -> bool {
        if node.value == &Value::Bool(true) {
            true
        } else {
            self.fail::<()>(
                node.pointer.clone(),
                format!("{} is not supported; supported: true", node.value),
            );
            false
        }
    }
}
