//! Shared fixtures for the workspace's snapshot, compile-fail and end-to-end tests.
