//! `dynmark-api` re-exports the generated types at its root with `pub use generated::*`, beside
//! items written by hand; an explicit item wins over a glob, so a schema named like one of them
//! would be silently hidden. The generator refuses those names (`RESERVED_ROOT_NAMES`): this
//! test fails when `dynmark-api/src/lib.rs` gains (or loses) a root item the list does not
//! know, so the list cannot fall behind.

use dynmark_codegen::{Options, RESERVED_ROOT_NAMES, generate};

/// The names `lib.rs` declares at the root with `pub use` (the last segment, or the `as` name, of
/// each path; globs are skipped) and `pub mod`, read by a plain text scan.
fn root_names(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim();
        // The attributes (`#[cfg(...)]`) before the item.
        let item = statement
            .rsplit_once(']')
            .map_or(statement, |(_, item)| item)
            .trim();
        if let Some(module) = item.strip_prefix("pub mod ") {
            names.push(module.trim().to_owned());
        } else if let Some(tree) = item.strip_prefix("pub use ") {
            let leaves = match tree.split_once('{') {
                Some((_, list)) => list.trim_end_matches('}').split(',').collect(),
                None => vec![tree],
            };
            for leaf in leaves.iter().map(|leaf| leaf.trim()) {
                let name = match leaf.split_once(" as ") {
                    Some((_, alias)) => alias.trim(),
                    None => leaf.rsplit("::").next().unwrap_or_default().trim(),
                };
                if !name.is_empty() && name != "*" && !names.iter().any(|known| known == name) {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn the_generator_knows_every_hand_written_root_item_of_dynmark_api() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../dynmark-api/src/lib.rs");
    let source = std::fs::read_to_string(path).expect("dynmark-api/src/lib.rs");
    let declared = root_names(&source);
    assert!(
        declared.iter().any(|name| name == "Client"),
        "the scan found no `Client` in {path}: {declared:?}"
    );
    let unknown: Vec<&String> = declared
        .iter()
        .filter(|name| !RESERVED_ROOT_NAMES.contains(&name.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "dynmark-api's root declares {unknown:?}, which dynmark_codegen::RESERVED_ROOT_NAMES \
         (codegen/src/names.rs) lacks: a schema of that name would be hidden; add them"
    );
    // `operations` is the generated module; every other reserved name must still exist.
    let stale: Vec<&&str> = RESERVED_ROOT_NAMES
        .iter()
        .filter(|name| **name != "operations" && !declared.iter().any(|d| d == *name))
        .collect();
    assert!(
        stale.is_empty(),
        "dynmark_codegen::RESERVED_ROOT_NAMES lists {stale:?}, which dynmark-api's root no \
         longer declares; remove them"
    );
}

#[test]
fn the_scan_reads_renames_lists_and_attributes() {
    let source = "pub use a::{B, C as D};\n#[cfg(x)]\npub mod e;\nmod f;\npub use g::*;\n\
                  pub use h::I; // pub use j::K;\n";
    assert_eq!(root_names(source), ["B", "D", "e", "I"]);
}

#[test]
fn a_schema_named_like_a_root_item_is_refused_with_its_pointer() {
    for name in RESERVED_ROOT_NAMES {
        let spec = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}},
                "components": {{"schemas": {{"{name}": {{"type": "object", "properties": {{}}}}}}}}}}"#
        );
        for options in [Options::default(), Options::inside_dynmark_api()] {
            let error = generate(&spec, &options).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("/components/schemas/{name}: ")),
                "{name}: {error}"
            );
        }
    }
}
