//! `nested`: validation inside fields, `Vec`s and `Option`s, with the service's paths
//! (`message[3].from`); every failure is reported, not the first.

use dynmark_api::validation::{Path, Report, Validate};
use dynmark_api::{FailureCode, Message};

fn properties(report: &Report) -> Vec<(String, String)> {
    report
        .failures()
        .iter()
        .map(|f| {
            (
                f.property.clone().unwrap_or_default(),
                f.failure_code.to_string(),
            )
        })
        .collect()
}

fn pair(property: &str, code: &str) -> (String, String) {
    (property.to_owned(), code.to_owned())
}

#[test]
fn a_batch_of_generated_messages_has_indexed_paths() {
    let batch = vec![
        Message::to("447700900000").from("Example").body("Hello"),
        Message::to("447700900001").from("Example").body("Hello"),
        Message::to("447700900002").from("").body("Hello"),
        Message::to("07777 123123")
            .from("ABCDEFGHIJKL")
            .body("")
            .with_client_ref("x".repeat(65)),
    ];
    // The service's item name is `message`.
    let root = Path::ROOT;
    let at = root.field("message");
    let mut report = Report::new();
    batch.validate_at(&at, &mut report);
    assert_eq!(
        properties(&report),
        [
            pair("message[2].from", "FromEmpty"),
            pair("message[3].to", "ToLocalWithoutCountry"),
            pair("message[3].from", "FromInvalid"),
            pair("message[3].body", "BodyEmpty"),
            pair("message[3].clientRef", "ClientRefTooLong"),
        ]
    );
    assert_eq!(report.failures()[0].failure_code, FailureCode::FromEmpty);
    // The same shape as the service's `validationFailures`.
    insta::assert_json_snapshot!("validate_nested_batch_report", report.failures());
    // At the root, a list's paths start with the index.
    let report = batch.validate().unwrap_err();
    assert_eq!(report.failures()[0].property.as_deref(), Some("[2].from"));
}

#[derive(serde::Serialize, dynmark_api::Validate)]
#[serde(rename_all = "camelCase")]
struct Campaign {
    #[validate(required)]
    campaign_name: String,
    #[validate(nested)]
    primary: Message,
    #[validate(nested)]
    fallback: Option<Message>,
    #[validate(nested, items(max = 2))]
    extra_messages: Vec<Message>,
    #[validate(nested)]
    audiences: Vec<Audience>,
    #[serde(flatten)]
    #[validate(nested)]
    owner: Owner,
}

#[derive(serde::Serialize, dynmark_api::Validate)]
#[allow(
    clippy::vec_box,
    reason = "the boxes are the point: `nested` goes through `Box<T>`"
)]
struct Audience {
    #[validate(required, length(max = 8))]
    name: String,
    #[validate(nested)]
    members: Vec<Box<Member>>,
}

#[derive(serde::Serialize, dynmark_api::Validate)]
struct Member {
    #[validate(phone)]
    mobile: String,
}

#[derive(serde::Serialize, dynmark_api::Validate)]
struct Owner {
    #[validate(required)]
    owner_email: String,
}

fn ok_message() -> Message {
    Message::to("447700900000").from("Example").body("Hello")
}

#[test]
fn user_struct_nests_generated_and_user_types() {
    let campaign = Campaign {
        campaign_name: "Spring".into(),
        primary: ok_message(),
        fallback: None,
        extra_messages: vec![ok_message()],
        audiences: vec![Audience {
            name: "VIP".into(),
            members: vec![Box::new(Member {
                mobile: "447700900000".into(),
            })],
        }],
        owner: Owner {
            owner_email: "a@example.com".into(),
        },
    };
    assert_eq!(campaign.validate(), Ok(()));

    let campaign = Campaign {
        campaign_name: " ".into(),
        primary: Message::to("x").from("Example").body("Hello"),
        fallback: Some(Message::to("447700900000").from("E").body("Hello")),
        extra_messages: vec![
            ok_message(),
            ok_message(),
            ok_message().with_country_iso_code("GB"),
        ],
        audiences: vec![
            Audience {
                name: "ok".into(),
                members: Vec::new(),
            },
            Audience {
                name: "much too long".into(),
                members: vec![
                    Box::new(Member {
                        mobile: "447700900000".into(),
                    }),
                    Box::new(Member { mobile: "0".into() }),
                ],
            },
        ],
        owner: Owner {
            owner_email: String::new(),
        },
    };
    let report = campaign.validate().unwrap_err();
    assert_eq!(
        properties(&report),
        [
            pair("campaignName", "CampaignNameEmpty"),
            pair("primary.to", "ToInvalid"),
            pair("fallback.from", "FromInvalid"),
            pair("extraMessages", "ExtraMessagesTooMany"),
            pair("extraMessages[2].countryIsoCode", "CountryIsoCodeInvalid"),
            pair("audiences[1].name", "NameTooLong"),
            pair("audiences[1].members[1].mobile", "MobileInvalid"),
            // `#[serde(flatten)]`: the owner's fields sit at the campaign's level in JSON.
            pair("owner_email", "OwnerEmailEmpty"),
        ]
    );
}

/// A module named like nothing the derive may use: the emitted code's own names do not
/// shadow the user's.
mod rt {
    #[derive(dynmark_api::Validate)]
    pub struct Inner {
        #[validate(required)]
        pub name: String,
    }
}

#[derive(dynmark_api::Validate)]
struct Outer {
    #[validate(nested)]
    inner: rt::Inner,
    #[validate(nested)]
    more: Option<Vec<rt::Inner>>,
}

#[test]
fn user_paths_in_nested_types_resolve() {
    let outer = Outer {
        inner: rt::Inner {
            name: String::new(),
        },
        more: Some(vec![
            rt::Inner { name: "x".into() },
            rt::Inner { name: " ".into() },
        ]),
    };
    assert_eq!(
        properties(&outer.validate().unwrap_err()),
        [
            pair("inner.name", "NameEmpty"),
            pair("more[1].name", "NameEmpty")
        ]
    );
}

/// A request: a parameter beside a body that is the whole JSON document the service reads.
#[derive(serde::Serialize, dynmark_api::Validate)]
struct Request {
    #[validate(required)]
    id: String,
    #[validate(nested(flatten))]
    body: Message,
    #[validate(nested(flatten))]
    many: Vec<Message>,
}

#[test]
fn a_flattened_body_names_its_members_as_they_are_sent() {
    let request = Request {
        id: " ".to_owned(),
        body: Message::to("447700900000").from("").body("Hello"),
        many: vec![
            Message::to("447700900000").from("Example").body("Hello"),
            Message::to("447700900000").from("Example").body(""),
        ],
    };
    let report = request.validate().unwrap_err();
    assert_eq!(
        properties(&report),
        [
            pair("id", "IdEmpty"),
            pair("from", "FromEmpty"),
            pair("[1].body", "BodyEmpty")
        ]
    );
}
