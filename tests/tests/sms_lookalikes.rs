//! `dynmark_api::sms::replace_lookalikes` and `Message::with_lookalikes_replaced`: opt-in,
//! all or nothing, every replacement reported with the parts saved.

use dynmark_api::Message;
use dynmark_api::sms::{Encoding, LOOKALIKES, Parts, Unchanged, replace_lookalikes};

#[test]
fn every_entry_of_the_table_turns_a_body_into_gsm7() {
    for &(from, to, name) in LOOKALIKES {
        let body = format!("x{from}y");
        let replaced = replace_lookalikes(&body);
        assert!(replaced.changed(), "{name}");
        assert_eq!(replaced.body(), format!("x{to}y"), "{name}");
        assert_eq!(replaced.after().encoding(), Encoding::Gsm7, "{name}");
        assert_eq!(replaced.before().encoding(), Encoding::Ucs2, "{name}");
        let replacements = replaced.replacements();
        assert_eq!(replacements.len(), 1, "{name}");
        assert_eq!(
            (
                replacements[0].character,
                replacements[0].with,
                replacements[0].position
            ),
            (from, to, 1),
            "{name}"
        );
    }
    // All of them at once.
    let body: String = LOOKALIKES.iter().map(|&(from, _, _)| from).collect();
    let expected: String = LOOKALIKES.iter().map(|&(_, to, _)| to).collect();
    let replaced = replace_lookalikes(&body);
    assert_eq!(replaced.body(), expected);
    assert_eq!(replaced.replacements().len(), LOOKALIKES.len());
}

#[test]
fn a_smart_quote_and_a_dash_cost_two_parts() {
    let body = format!("It’s ready — {}", "a".repeat(140));
    let replaced = replace_lookalikes(&body);
    assert_eq!(replaced.body(), format!("It's ready - {}", "a".repeat(140)));
    assert_eq!(replaced.before().count(), 3);
    assert_eq!(replaced.after().count(), 1);
    assert_eq!(replaced.parts_saved(), 2);
    let report = replaced.to_string();
    assert_eq!(
        report,
        "replaced 2 look-alikes, UCS-2, 3 parts (153 UTF-16 units) → GSM-7, 1 part (153 septets): 2 parts saved\n  \
         '’' (U+2019) at character 3 → \"'\"\n  \
         '—' (U+2014) at character 12 → \"-\""
    );
}

#[test]
fn nothing_changes_unless_the_whole_body_becomes_gsm7() {
    // Already GSM-7.
    let replaced = replace_lookalikes("It's fine");
    assert_eq!(replaced.unchanged(), Some(Unchanged::AlreadyGsm7));
    assert_eq!(replaced.body(), "It's fine");
    assert!(replaced.replacements().is_empty());
    assert_eq!(replaced.parts_saved(), 0);
    assert_eq!(
        replaced.to_string(),
        "unchanged: already GSM-7, GSM-7, 1 part (9 septets)"
    );

    // An emoji (or a letter such as ê) has no look-alike: the body would stay UCS-2.
    let replaced = replace_lookalikes("It’s “done” 😀 crême");
    assert_eq!(replaced.unchanged(), Some(Unchanged::StillUnicode));
    assert_eq!(replaced.body(), "It’s “done” 😀 crême");
    assert!(replaced.replacements().is_empty());
    let remaining: Vec<char> = replaced.remaining().map(|u| u.character).collect();
    assert_eq!(remaining, ['😀', 'ê']);
    assert_eq!(
        replaced.to_string(),
        "unchanged: it would stay UCS-2 because of '😀' (U+1F600) at character 13, 'ê' (U+00EA) at character 17"
    );

    // 70 ellipses: one UCS-2 part, but 210 septets (2 parts) as GSM-7.
    let body = "…".repeat(70);
    let replaced = replace_lookalikes(&body);
    assert_eq!(
        replaced.unchanged(),
        Some(Unchanged::MoreParts { would_need: 2 })
    );
    assert_eq!(replaced.body(), body);
    assert_eq!(replaced.after(), &Parts::of(&body));
    // 71 ellipses: 2 parts either way, so the replacement is made.
    let replaced = replace_lookalikes(&"…".repeat(71));
    assert!(replaced.changed());
    assert_eq!(replaced.parts_saved(), 0);
}

#[test]
fn letters_are_never_replaced() {
    for c in ['ê', 'ç', 'á', 'ő', 'ł', 'Ж', '日'] {
        let replaced = replace_lookalikes(&format!("a{c}"));
        assert_eq!(replaced.unchanged(), Some(Unchanged::StillUnicode), "{c}");
    }
}

#[test]
fn on_a_message() {
    let message = Message::to("447700900000")
        .from("Example")
        .body("Your order “A-12” is ready…")
        .with_client_ref("order-12");
    let (replaced_message, replaced) = message.clone().with_lookalikes_replaced();
    assert_eq!(replaced_message.body, "Your order \"A-12\" is ready...");
    assert_eq!(replaced_message.client_ref, message.client_ref);
    assert_eq!(replaced_message.to, message.to);
    assert_eq!(replaced.replacements().len(), 3);
    assert_eq!(replaced_message.parts(), *replaced.after());

    let emoji = Message::to("447700900000")
        .from("Example")
        .body("Done “now” 😀");
    let (same, replaced) = emoji.clone().with_lookalikes_replaced();
    assert_eq!(same, emoji);
    assert!(!replaced.changed());
}

#[test]
fn the_report_serializes() {
    let replaced = replace_lookalikes("a–b");
    assert_eq!(
        serde_json::to_value(replaced.replacements()).unwrap(),
        serde_json::json!([{"character": "–", "with": "-", "position": 1}])
    );
}
