//! Mailboxes and addresses, once for every sender and list: which address
//! mail may go to ([`usable_address`]), a `Name <address>` mailbox read
//! from configuration ([`Mailbox::parse`]) and written as text
//! ([`mailbox`]: the `From` of `duos serve` and `duos tick`, the alumni
//! mailing list). In a message header the mailbox is encoded by the
//! message builder (`super::message`).

/// `address`, trimmed, when mail may be sent to it: an e-mail address by
/// the program's rule ([`mentoring::profile::is_email`]), in ASCII (no
/// SMTPUTF8), so nothing in it can end a header or add a recipient.
pub fn usable_address(address: &str) -> Result<&str, String> {
    let address = address.trim();
    if address.is_ascii() && mentoring::profile::is_email(address) {
        Ok(address)
    } else {
        Err(format!("not a usable address: {address:?}"))
    }
}

/// A display name (maybe empty) and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name, one line, unquoted; empty for none.
    pub name: String,
    /// The address, checked by [`usable_address`].
    pub address: String,
}

impl Mailbox {
    /// Reads `address` or `Name <address>` (the name may be a quoted
    /// string); `Err` says why the address is not usable.
    pub fn parse(mailbox: &str) -> Result<Mailbox, String> {
        let mailbox = mailbox.trim();
        let (name, address) = match (mailbox.rfind('<'), mailbox.ends_with('>')) {
            (Some(open), true) => (&mailbox[..open], &mailbox[open + 1..mailbox.len() - 1]),
            _ => ("", mailbox),
        };
        let name = name.trim();
        let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
            None => name.to_owned(),
        };
        Ok(Mailbox {
            name: one_line(&name),
            address: usable_address(address)?.to_owned(),
        })
    }

    /// The address's domain (after the `@`).
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl std::fmt::Display for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&mailbox(&self.name, &self.address))
    }
}

/// One RFC 5322 mailbox as text: `Name <email>`, the name as a quoted
/// string (with `"` and `\` escaped) when it holds anything but atoms and
/// spaces; just `<email>` without a name. Line breaks and other control
/// characters are dropped from the name. Non-ASCII names stay as they are
/// (RFC 6532); a message header encodes them instead.
pub fn mailbox(name: &str, email: &str) -> String {
    let name = one_line(name);
    if name.is_empty() {
        return format!("<{email}>");
    }
    if name.chars().all(|c| c == ' ' || is_atext(c)) {
        format!("{name} <{email}>")
    } else {
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{quoted}\" <{email}>")
    }
}

/// `text` with control characters as spaces and runs of white space as one.
fn one_line(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clean.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_atext(c: char) -> bool {
    // RFC 5322 atext; non-ASCII letters as RFC 6532 allows.
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~".contains(c)
        || (!c.is_ascii() && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_addresses_are_usable() {
        assert_eq!(usable_address(" ada@example.org "), Ok("ada@example.org"));
        for bad in [
            "",
            "no-at",
            "a@b\r\nBcc: x@y.org",
            "two@@x.org",
            "<a@b.org>",
            "a b@c.org",
            "zoë@example.org",
            "a@b.org, c@d.org",
        ] {
            assert!(usable_address(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn mailboxes_parse_and_print_back() {
        for (text, name, address) in [
            ("m@x.org", "", "m@x.org"),
            ("LLAMA Mentoring <m@x.org>", "LLAMA Mentoring", "m@x.org"),
            (
                "\"Wrenfield, Tobias\" <t@x.org>",
                "Wrenfield, Tobias",
                "t@x.org",
            ),
            ("\"A \\\"q\\\" B\" <q@x.org>", "A \"q\" B", "q@x.org"),
            ("Mentorat Ça\r\n <m@x.org>", "Mentorat Ça", "m@x.org"),
        ] {
            let m = Mailbox::parse(text).unwrap();
            assert_eq!((m.name.as_str(), m.address.as_str()), (name, address));
            assert_eq!(Mailbox::parse(&m.to_string()).unwrap(), m, "{m}");
        }
        assert!(Mailbox::parse("Someone <not an address>").is_err());
        assert_eq!(Mailbox::parse("a <m@x.org>").unwrap().domain(), "x.org");
    }
}
