//! The texts of the messages the handlers send, in one place. Plain text,
//! short, written for the member; no secrets other than a consent link.

use mentoring::nomination::NominationKind;
use mentoring::program::Program;
use mentoring::Side;

/// One message before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Subject line.
    pub subject: String,
    /// Body.
    pub text: String,
}

fn sign(program: &Program) -> String {
    format!(
        "\n\n-- \n{}\n{}\nQuestions: {}\n",
        program.name, program.association, program.contact_email
    )
}

/// To an applicant when their application is stored.
pub fn application_received(program: &Program, side: Side, outcome: &str) -> Message {
    let what = match side {
        Side::Mentee => "mentee",
        Side::Mentor => "mentor",
    };
    Message {
        subject: format!("{}: your {what} application", program.name),
        text: format!(
            "Thank you for applying as a {what}.\n\n{outcome}{}",
            sign(program)
        ),
    }
}

/// To an applicant when the committee decides.
pub fn application_decided(program: &Program, side: Side, approved: bool) -> Message {
    let what = side.as_str();
    let text = if approved {
        match side {
            Side::Mentee => "Good news: the committee has accepted your mentee application. You can now browse the mentor directory and send match requests.".to_owned(),
            Side::Mentor => "Good news: the committee has approved your mentor application. Your profile is now listed in the mentor directory, where mentees can find you.".to_owned(),
        }
    } else {
        format!("The committee has reviewed your {what} application and is not able to include it in this cohort. Thank you for your interest; please write to us if you have questions.")
    };
    Message {
        subject: format!("{}: your {what} application", program.name),
        text: format!("{text}{}", sign(program)),
    }
}

/// To a nominee: the consent link.
pub fn nomination(
    program: &Program,
    nominator: &str,
    kind: NominationKind,
    message: &str,
    link: &str,
    expires_on: &str,
) -> Message {
    let role = match kind {
        NominationKind::Mentee => "a mentee",
        NominationKind::Mentor => "a mentor",
        NominationKind::WouldBeMentor => "their mentor",
    };
    let note = if message.trim().is_empty() {
        String::new()
    } else {
        format!("\nTheir note:\n\n{}\n", message.trim())
    };
    Message {
        subject: format!("{}: you have been nominated", program.name),
        text: format!(
            "{nominator} has nominated you to take part in the {} as {role}.\n{note}\n\
             Nobody takes part without agreeing to. To say yes or no, open this link \
             (it works once, until {expires_on}):\n\n{link}\n\n\
             If you do not answer, nothing happens.{}",
            program.name,
            sign(program)
        ),
    }
}

/// To a mentor: a mentee asks them.
pub fn match_request(
    program: &Program,
    mentee: &str,
    message: &str,
    link: &str,
    expires_on: &str,
) -> Message {
    Message {
        subject: format!("{}: {mentee} asks you to be their mentor", program.name),
        text: format!(
            "{mentee} would like you to be their mentor. Their message:\n\n{}\n\n\
             Please accept or decline by {expires_on}: {link}{}",
            message.trim(),
            sign(program)
        ),
    }
}

/// To a mentee: their request was accepted.
pub fn match_accepted(program: &Program, mentor: &str) -> Message {
    Message {
        subject: format!("{}: {mentor} accepted your request", program.name),
        text: format!(
            "{mentor} has accepted your request: you are now a duo. Your other pending \
             requests have been withdrawn. The committee will introduce your liaison.{}",
            sign(program)
        ),
    }
}

/// To a mentee: their request was declined.
pub fn match_declined(program: &Program, mentor: &str, reason: Option<&str>) -> Message {
    let reason = match reason {
        Some(r) if !r.trim().is_empty() => format!("\n\nThe reason given: {}", r.trim()),
        _ => String::new(),
    };
    Message {
        subject: format!("{}: your request to {mentor}", program.name),
        text: format!(
            "{mentor} is not able to accept your request.{reason}\n\n\
             You can ask another mentor from the directory.{}",
            sign(program)
        ),
    }
}

/// To a duo's liaison (or the chair): the duo ended early.
pub fn duo_ended_for_committee(
    program: &Program,
    mentee: &str,
    mentor: &str,
    by: &str,
    reason: &str,
) -> Message {
    Message {
        subject: format!("{}: a duo ended early", program.name),
        text: format!(
            "The duo of {mentee} (mentee) and {mentor} (mentor) was ended early by {by}.\n\n\
             Reason (confidential):\n\n{}\n\nPlease get in touch with them.{}",
            reason.trim(),
            sign(program)
        ),
    }
}

/// To the other member of a duo that ended early.
pub fn duo_ended_for_partner(program: &Program, by: &str) -> Message {
    Message {
        subject: format!("{}: your duo has ended", program.name),
        text: format!(
            "{by} has ended your duo early. Your committee liaison will be in touch.{}",
            sign(program)
        ),
    }
}

/// To a liaison: they were assigned to a duo.
pub fn liaison_assigned(program: &Program, mentee: &str, mentor: &str) -> Message {
    Message {
        subject: format!("{}: you are liaison to a duo", program.name),
        text: format!(
            "You are now the committee liaison to the duo of {mentee} (mentee) and \
             {mentor} (mentor).{}",
            sign(program)
        ),
    }
}

/// To the first on the waitlist: a place freed and is offered to them.
pub fn place_offered(program: &Program, cohort: &str, link: &str, expires_on: &str) -> Message {
    Message {
        subject: format!("{}: a mentee place is offered to you", program.name),
        text: format!(
            "A mentee place in the {cohort} cohort has freed up, and you are next on the \
             waiting list. The place is yours if you confirm by {expires_on}:\n\n{link}\n\n\
             If you do not confirm by then, the place passes to the next person on the \
             waiting list.{}",
            sign(program)
        ),
    }
}

/// To a waitlisted member who confirmed an offered place.
pub fn place_confirmed(program: &Program) -> Message {
    Message {
        subject: format!("{}: your mentee place is confirmed", program.name),
        text: format!(
            "You have taken the place: you are accepted as a mentee. You can now browse \
             the mentor directory and send match requests.{}",
            sign(program)
        ),
    }
}

/// To a waitlisted member whose offer expired unanswered.
pub fn place_offer_expired(program: &Program, expired_on: &str) -> Message {
    Message {
        subject: format!("{}: the offered mentee place has passed on", program.name),
        text: format!(
            "The mentee place offered to you was not confirmed by {expired_on}, so it has \
             passed to the next person on the waiting list. Please write to us if you are \
             still interested.{}",
            sign(program)
        ),
    }
}

/// To an applicant who withdrew their application.
pub fn application_withdrawn(program: &Program, side: Side) -> Message {
    Message {
        subject: format!(
            "{}: your {} application is withdrawn",
            program.name,
            side.as_str()
        ),
        text: format!(
            "Your {} application is withdrawn. Thank you for letting us know; you are \
             welcome to apply again in a later cohort.{}",
            side.as_str(),
            sign(program)
        ),
    }
}

/// To each of a pair the chair proposed: accept or decline on the requests page.
pub fn pairing_proposed(program: &Program, other: &str, other_side: &str, link: &str) -> Message {
    Message {
        subject: format!("{}: the committee proposes a duo", program.name),
        text: format!(
            "The mentoring committee proposes {other} as your {other_side}. Please accept or \
             decline here: {link}\n\nThe duo forms once you both accept.{}",
            sign(program)
        ),
    }
}

/// To both of a proposed pair, once both accepted.
pub fn pairing_formed(program: &Program, partner: &str) -> Message {
    Message {
        subject: format!("{}: your duo is formed", program.name),
        text: format!(
            "You and {partner} both accepted the committee's proposal: you are now a duo. \
             The committee will assign your liaison.{}",
            sign(program)
        ),
    }
}

/// To the other of a proposed pair when one declines.
pub fn pairing_declined(program: &Program, by: &str) -> Message {
    Message {
        subject: format!("{}: a proposed duo will not form", program.name),
        text: format!(
            "{by} declined the committee's proposal, so this duo will not form. The chair \
             will be in touch.{}",
            sign(program)
        ),
    }
}

/// To the chair when one of a proposed pair declines.
pub fn pairing_declined_for_chair(
    program: &Program,
    mentee: &str,
    mentor: &str,
    by: &str,
) -> Message {
    Message {
        subject: format!("{}: a proposed pair declined", program.name),
        text: format!(
            "{by} declined the proposed duo of {mentee} (mentee) and {mentor} (mentor). Both \
             are back on the pairing page.{}",
            sign(program)
        ),
    }
}

/// To a duo's mentor and mentee: who their liaison is.
pub fn liaison_for_duo(program: &Program, liaison: &str, liaison_email: &str) -> Message {
    Message {
        subject: format!("{}: your duo's liaison", program.name),
        text: format!(
            "{liaison} of the mentoring committee is your duo's liaison: write to them \
             ({liaison_email}) with any question about the program.{}",
            sign(program)
        ),
    }
}

/// To a nominator: the nominee's answer.
pub fn nomination_answered(program: &Program, nominee: &str, consented: bool) -> Message {
    let what = if consented {
        "accepted and is invited to apply"
    } else {
        "declined the nomination"
    };
    Message {
        subject: format!("{}: your nomination", program.name),
        text: format!(
            "Thank you for your nomination. {nominee} has {what}.{}",
            sign(program)
        ),
    }
}

/// To a mentor: a mentee withdrew their request.
pub fn match_withdrawn(program: &Program, mentee: &str) -> Message {
    Message {
        subject: format!("{}: a request to you was withdrawn", program.name),
        text: format!(
            "{mentee} withdrew their request for you to be their mentor; there is nothing \
             for you to do.{}",
            sign(program)
        ),
    }
}
