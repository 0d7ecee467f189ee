//! Requests Dynmark sends to you: an operation's `callbacks` (the delivery receipt sent to each
//! message's `deliveryStatusUrl`) and the document's `x-dynmark-webhooks` (the inbound message,
//! as OpenAPI 3.1's `webhooks`). They are checked against a small subset (a `get` whose
//! parameters are all query parameters of `type: string` or `integer`) and nothing is emitted
//! for them: `dynmark_api::receipts` reads them by hand, and a test keeps it equal to the spec.

use super::Reader;
use super::node::Node;

const CALLBACK_PATH_ITEM_KEYS: &[&str] = &["summary", "description", "get"];
const CALLBACK_OPERATION_KEYS: &[&str] = &[
    "operationId",
    "summary",
    "description",
    "parameters",
    "responses",
];
const QUERY_PARAMETER_KEYS: &[&str] =
    &["name", "in", "required", "description", "schema", "example"];
const QUERY_STRING_KEYS: &[&str] = &[
    "type",
    "description",
    "minLength",
    "maxLength",
    "x-dynmark-date-time-formats",
];
const QUERY_INTEGER_KEYS: &[&str] = &["type", "format", "description"];

impl Reader {
    /// An operation's `callbacks`: a name to a map of URL expressions to path items.
    pub(super) fn callbacks(&mut self, callbacks: &Node<'_>) {
        if self.object(callbacks).is_none() {
            return;
        }
        for (_, callback) in callbacks.entries() {
            if self.object(&callback).is_none() {
                continue;
            }
            for (_, item) in callback.entries() {
                self.request_to_you(&item);
            }
        }
    }

    /// The document's `x-dynmark-webhooks`: a name to a path item.
    pub(super) fn webhooks(&mut self, webhooks: &Node<'_>) {
        if self.object(webhooks).is_none() {
            return;
        }
        for (_, item) in webhooks.entries() {
            self.request_to_you(&item);
        }
    }

    /// A path item of a callback or webhook: one `get` with query parameters.
    fn request_to_you(&mut self, item: &Node<'_>) {
        if self.object(item).is_none() {
            return;
        }
        self.check_keys(item, CALLBACK_PATH_ITEM_KEYS);
        let Some(get) = item.get("get") else {
            self.fail::<()>(
                item.pointer.clone(),
                "needs a `get`: Dynmark forwards receipts and messages as GET requests",
            );
            return;
        };
        if self.object(&get).is_none() {
            return;
        }
        self.check_keys(&get, CALLBACK_OPERATION_KEYS);
        self.required_string(&get, "operationId");
        if get.get("responses").is_none() {
            self.fail::<()>(get.pointer_of("responses"), "is missing; it is required");
        }
        let Some(parameters) = get.get("parameters") else {
            self.fail::<()>(
                get.pointer_of("parameters"),
                "is missing: the query parameters are what Dynmark sends",
            );
            return;
        };
        if !parameters.value.is_array() {
            self.fail::<()>(
                parameters.pointer.clone(),
                "expected an array of parameters",
            );
            return;
        }
        let mut names = Vec::new();
        for parameter in parameters.items() {
            if let Some(name) = self.query_parameter(&parameter) {
                if names.contains(&name) {
                    self.fail::<()>(
                        parameter.pointer_of("name"),
                        format!("{name:?} is listed twice"),
                    );
                }
                names.push(name);
            }
        }
    }

    /// One query parameter; its name.
    fn query_parameter<'a>(&mut self, parameter: &Node<'a>) -> Option<&'a str> {
        self.object(parameter)?;
        self.check_keys(parameter, QUERY_PARAMETER_KEYS);
        let name = self.required_string(parameter, "name");
        if let Some(place) = self.required_string(parameter, "in")
            && place != "query"
        {
            self.fail::<()>(
                parameter.pointer_of("in"),
                format!("{place:?} is not supported; supported: \"query\""),
            );
        }
        if let Some(required) = parameter.get("required")
            && !required.value.is_boolean()
        {
            self.fail::<()>(required.pointer.clone(), "expected true or false");
        }
        let Some(schema) = parameter.get("schema") else {
            return self.fail(parameter.pointer_of("schema"), "is missing; it is required");
        };
        self.object(&schema)?;
        match self.required_string(&schema, "type") {
            Some("string") => {
                self.check_keys(&schema, QUERY_STRING_KEYS);
                for bound in ["minLength", "maxLength"] {
                    if let Some(node) = schema.get(bound) {
                        self.count(&node);
                    }
                }
                if let Some(formats) = schema.get("x-dynmark-date-time-formats") {
                    self.date_time_formats(&formats);
                }
            }
            Some("integer") => {
                self.check_keys(&schema, QUERY_INTEGER_KEYS);
                if let Some(format) = self.optional_string(&schema, "format")
                    && format != "int64"
                {
                    self.fail::<()>(
                        schema.pointer_of("format"),
                        format!("{format:?} is not supported; supported: \"int64\""),
                    );
                }
            }
            Some(other) => {
                self.fail::<()>(
                    schema.pointer_of("type"),
                    format!("{other:?} is not supported for a query parameter; supported: string, integer"),
                );
            }
            None => {}
        }
        name
    }

    /// `x-dynmark-date-time-formats`: a non-empty array of non-empty patterns.
    fn date_time_formats(&mut self, formats: &Node<'_>) {
        let patterns = formats.items();
        if !formats.value.is_array() || patterns.is_empty() {
            self.fail::<()>(
                formats.pointer.clone(),
                "expected a non-empty array of date-time patterns (`yyyy-MM-dd'T'HH:mm:ss.SSS`)",
            );
            return;
        }
        for pattern in patterns {
            if self.string(&pattern).is_some_and(str::is_empty) {
                self.fail::<()>(pattern.pointer.clone(), "a pattern must not be empty");
            }
        }
    }
}
