//! The [`Message`] methods of this module.

use super::{Parts, Replaced, replace_lookalikes};
use crate::Message;

impl Message {
    /// The encoding and parts of this message's body ([`Parts::of`]).
    pub fn parts(&self) -> Parts {
        Parts::of(&self.body)
    }

    /// This message with the look-alikes of its body replaced ([`replace_lookalikes`]: only
    /// when that makes the whole body GSM-7 without more parts), and the report of what was
    /// replaced and the parts saved. The other fields are unchanged.
    ///
    /// ```
    /// use dynmark_api::Message;
    ///
    /// let message = Message::to("447700900000").from("Example").body("Your order “A-12” is ready…");
    /// let (message, replaced) = message.with_lookalikes_replaced();
    /// assert_eq!(message.body, "Your order \"A-12\" is ready...");
    /// assert_eq!(replaced.replacements().len(), 3);
    /// assert_eq!(message.parts().encoding(), dynmark_api::sms::Encoding::Gsm7);
    /// ```
    pub fn with_lookalikes_replaced(mut self) -> (Message, Replaced) {
        let replaced = replace_lookalikes(&self.body);
        if replaced.changed() {
            self.body = replaced.body().to_owned();
        }
        (self, replaced)
    }
}
