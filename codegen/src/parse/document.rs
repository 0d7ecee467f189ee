//! The document as a whole: `openapi`, `info`, `components`, security schemes and requirements,
//! then schemas, operations and the checks over all of them, in that order.

use super::Reader;
use super::checks::mark_validated;
use super::node::{Node, kind};
use crate::model::Api;

const DOCUMENT_KEYS: &[&str] = &[
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "externalDocs",
    "x-dynmark-webhooks",
];
const INFO_KEYS: &[&str] = &[
    "title",
    "version",
    "description",
    "termsOfService",
    "contact",
    "license",
];
const COMPONENTS_KEYS: &[&str] = &["schemas", "securitySchemes"];
const SECURITY_SCHEME_KEYS: &[&str] = &["type", "scheme", "description"];

impl Reader {
    pub(super) fn document(&mut self, root: Node<'_>) -> Option<Api> {
        self.object(&root)?;
        self.check_keys(&root, DOCUMENT_KEYS);
        if let Some(version) = self.required_string(&root, "openapi")
            && !version.starts_with("3.0.")
        {
            self.fail::<()>(
                root.pointer_of("openapi"),
                format!("{version:?} is not supported; supported: 3.0.x"),
            );
        }
        let (title, version) = match root.get("info") {
            Some(info) => {
                self.object(&info);
                self.check_keys(&info, INFO_KEYS);
                (
                    self.required_string(&info, "title").map(str::to_owned),
                    self.required_string(&info, "version").map(str::to_owned),
                )
            }
            None => self.fail(root.pointer_of("info"), "is missing; it is required")?,
        };

        let components = root.get("components");
        if let Some(components) = &components {
            self.object(components);
            self.check_keys(components, COMPONENTS_KEYS);
        }
        let security_schemes = self.security_schemes(components.as_ref());
        if let Some(security) = root.get("security") {
            self.security_requirements(&security, &security_schemes);
        }

        let schema_nodes = components
            .as_ref()
            .and_then(|components| components.get("schemas"))
            .map(|schemas| {
                self.object(&schemas);
                schemas.entries()
            })
            .unwrap_or_default();
        let mut schemas = Vec::new();
        for (name, node) in &schema_nodes {
            if let Some(schema) = self.schema(name, node, &schema_nodes) {
                schemas.push(schema);
            }
        }

        self.check_cycles(&schemas);

        let mut operations = Vec::new();
        match root.get("paths") {
            Some(paths) => {
                self.object(&paths);
                for (path, item) in paths.entries() {
                    self.path_item(path, &item, &schemas, &security_schemes, &mut operations);
                }
            }
            None => {
                self.fail::<()>(root.pointer_of("paths"), "is missing; it is required");
            }
        }

        if let Some(webhooks) = root.get("x-dynmark-webhooks") {
            self.webhooks(&webhooks);
        }

        mark_validated(&mut schemas, &operations);
        self.assign_steps(&mut schemas, &mut operations);
        // The codes are only meaningful once every rule is known to be well formed.
        if self.problems.is_empty() {
            self.check_failure_codes(&schemas, &operations);
        }

        Some(Api {
            title: title?,
            version: version?,
            schemas,
            operations,
            requests_to_you: std::mem::take(&mut self.requests_to_you),
        })
    }

    pub(super) fn security_schemes(&mut self, components: Option<&Node<'_>>) -> Vec<String> {
        let Some(schemes) = components.and_then(|components| components.get("securitySchemes"))
        else {
            return Vec::new();
        };
        self.object(&schemes);
        let mut names = Vec::new();
        for (name, scheme) in schemes.entries() {
            if self.object(&scheme).is_none() {
                continue;
            }
            self.check_keys(&scheme, SECURITY_SCHEME_KEYS);
            let kind = self.required_string(&scheme, "type");
            let http_scheme = scheme.get("scheme").and_then(|s| s.value.as_str());
            if kind == Some("http") && http_scheme.is_some_and(|s| s.eq_ignore_ascii_case("basic"))
            {
                names.push(name.to_owned());
            } else if kind.is_some() {
                self.fail::<()>(
                    scheme.pointer.clone(),
                    "this security scheme is not supported; supported: `type: http` with `scheme: basic`",
                );
            }
        }
        names
    }

    pub(super) fn security_requirements(&mut self, security: &Node<'_>, schemes: &[String]) {
        if !security.value.is_array() {
            self.fail::<()>(
                security.pointer.clone(),
                format!(
                    "expected an array of security requirements, found {}",
                    kind(security.value)
                ),
            );
            return;
        }
        for requirement in security.items() {
            if self.object(&requirement).is_none() {
                continue;
            }
            for (name, node) in requirement.entries() {
                if !schemes.iter().any(|scheme| scheme == name) {
                    self.fail::<()>(
                        node.pointer,
                        format!(
                            "names no scheme of /components/securitySchemes; supported: {}",
                            schemes.join(", ")
                        ),
                    );
                }
            }
        }
    }
}
