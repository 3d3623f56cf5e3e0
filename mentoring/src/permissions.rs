//! Who may do what: one table of role x action. Handlers ask
//! [`permitted`] with the caller's roles, never re-implement it. Object-level
//! rules (only *your* request, only *your* duo) are the other modules' job.

use serde::{Deserialize, Serialize};

use crate::application::{MenteeStatus, MentorStatus};
use crate::program::Program;

/// A role a caller holds. A signed-in person usually holds several (a
/// committee member is also a member); [`permitted`] allows an action when
/// any of them does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Not signed in.
    Anonymous,
    /// Signed in.
    Member,
    /// An accepted mentee of the current cohort.
    Mentee,
    /// An approved mentor of the current cohort.
    Mentor,
    /// A member of the mentoring committee.
    Committee,
    /// The committee's chair, who coordinates the program.
    Chair,
    /// The association's office staff.
    Staff,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 7] = [
        Role::Anonymous,
        Role::Member,
        Role::Mentee,
        Role::Mentor,
        Role::Committee,
        Role::Chair,
        Role::Staff,
    ];
}

/// Everything the site and the API let someone do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `POST /api/applications`.
    Apply,
    /// `GET /api/applications`.
    ListApplications,
    /// `POST /api/applications/{id}/approve`.
    ApproveApplication,
    /// `POST /api/applications/{id}/decline`.
    DeclineApplication,
    /// `POST /api/nominations`.
    Nominate,
    /// `POST /api/nominations/consent` (the token is the credential).
    AnswerNomination,
    /// `POST /api/matches`.
    RequestMatch,
    /// `POST /api/matches/{id}/accept`.
    AcceptMatch,
    /// `POST /api/matches/{id}/decline`.
    DeclineMatch,
    /// `POST /api/matches/{id}/withdraw`.
    WithdrawMatch,
    /// `GET /api/matches`: one's own requests.
    ListOwnMatches,
    /// `GET /api/duos`.
    ListDuos,
    /// `POST /api/duos/{id}/liaison`.
    AssignLiaison,
    /// `POST /api/duos/{id}/end`: a party ends their duo early.
    EndDuoEarly,
    /// `POST /api/surveys/{id}/responses`.
    AnswerSurvey,
    /// `GET /api/surveys/{id}/stats`.
    ViewSurveyStats,
    /// `GET /api/me`.
    ViewMe,
    /// `POST /api/alumni`: join the alumni e-mail group.
    AlumniOptIn,
    /// `POST /api/alumni/volunteer`: an alumnus volunteers to mentor again.
    VolunteerAsMentor,
    /// The mentor directory (members-only pages).
    ViewMentorDirectory,
    /// A mentor's profile page.
    ViewMentorProfile,
    /// A mentor's own profile.
    ViewOwnProfile,
    /// Any other members-only page.
    ViewMembersPages,
    /// The committee's report.
    ViewCommitteeReport,
    /// `POST /api/applications/{id}/withdraw`: the applicant withdraws.
    WithdrawApplication,
    /// `POST /api/offers/{id}/confirm`: a waitlisted member takes a freed place.
    ConfirmOffer,
    /// `GET /api/profile`: one's own profile.
    GetProfile,
    /// `POST /api/profile`: create or edit one's own profile.
    SaveProfile,
    /// `POST /api/profile/pause`: a mentor stops taking requests this cohort.
    PauseListing,
    /// `POST /api/profile/resume`: listed again.
    ResumeListing,
    /// The `/members/profile/` page (form, preview) of one's own profile.
    EditProfilePage,
    /// A mentee's background, career and education: the mentors that mentee
    /// asks (the object rule: only a request to *you*) and the committee.
    ViewMenteeBackground,
    /// `POST /api/profile/relist`: a mentor of an earlier cohort is listed
    /// for the next with one click.
    RelistMentor,
    /// Read why a duo ended early (in `GET /api/duos`, `GET /api/me` and the
    /// pages): the chair, and a committee member only as that duo's liaison
    /// ([`crate::duo::Duo::may_see_end_reason`]).
    ViewEndReason,
    /// `/members/committee/audit/` (and its CSV): who did what, when, to
    /// which record.
    ViewAuditTrail,
    /// `/members/committee/liaison/`: a liaison's own duos.
    ViewLiaisonDuos,
    /// `/members/committee/pairing/`: the unmatched at the matching
    /// deadline and the proposed pairing.
    ViewPairing,
    /// `POST /api/pairings`: the chair confirms pairs, each then asked.
    ProposePairings,
    /// `POST /api/pairings/{id}/accept`: one of the pair accepts.
    AcceptPairing,
    /// `POST /api/pairings/{id}/decline`: one of the pair declines.
    DeclinePairing,
    /// `/members/suggestions/`: mentors suggested for a mentee.
    ViewSuggestions,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 41] = [
        Action::Apply,
        Action::ListApplications,
        Action::ApproveApplication,
        Action::DeclineApplication,
        Action::Nominate,
        Action::AnswerNomination,
        Action::RequestMatch,
        Action::AcceptMatch,
        Action::DeclineMatch,
        Action::WithdrawMatch,
        Action::ListOwnMatches,
        Action::ListDuos,
        Action::AssignLiaison,
        Action::EndDuoEarly,
        Action::AnswerSurvey,
        Action::ViewSurveyStats,
        Action::ViewMe,
        Action::AlumniOptIn,
        Action::VolunteerAsMentor,
        Action::ViewMentorDirectory,
        Action::ViewMentorProfile,
        Action::ViewOwnProfile,
        Action::ViewMembersPages,
        Action::ViewCommitteeReport,
        Action::WithdrawApplication,
        Action::ConfirmOffer,
        Action::GetProfile,
        Action::SaveProfile,
        Action::PauseListing,
        Action::ResumeListing,
        Action::EditProfilePage,
        Action::ViewMenteeBackground,
        Action::RelistMentor,
        Action::ViewEndReason,
        Action::ViewAuditTrail,
        Action::ViewLiaisonDuos,
        Action::ViewPairing,
        Action::ProposePairings,
        Action::AcceptPairing,
        Action::DeclinePairing,
        Action::ViewSuggestions,
    ];

    /// The HTTP method and route template of an API action; `None` for page views.
    pub fn route(self) -> Option<(&'static str, &'static str)> {
        use Action::*;
        Some(match self {
            Apply => ("POST", "/api/applications"),
            ListApplications => ("GET", "/api/applications"),
            ApproveApplication => ("POST", "/api/applications/{id}/approve"),
            DeclineApplication => ("POST", "/api/applications/{id}/decline"),
            Nominate => ("POST", "/api/nominations"),
            AnswerNomination => ("POST", "/api/nominations/consent"),
            RequestMatch => ("POST", "/api/matches"),
            AcceptMatch => ("POST", "/api/matches/{id}/accept"),
            DeclineMatch => ("POST", "/api/matches/{id}/decline"),
            WithdrawMatch => ("POST", "/api/matches/{id}/withdraw"),
            ListOwnMatches => ("GET", "/api/matches"),
            ListDuos => ("GET", "/api/duos"),
            AssignLiaison => ("POST", "/api/duos/{id}/liaison"),
            EndDuoEarly => ("POST", "/api/duos/{id}/end"),
            AnswerSurvey => ("POST", "/api/surveys/{id}/responses"),
            ViewSurveyStats => ("GET", "/api/surveys/{id}/stats"),
            ViewMe => ("GET", "/api/me"),
            AlumniOptIn => ("POST", "/api/alumni"),
            VolunteerAsMentor => ("POST", "/api/alumni/volunteer"),
            WithdrawApplication => ("POST", "/api/applications/{id}/withdraw"),
            ConfirmOffer => ("POST", "/api/offers/{id}/confirm"),
            GetProfile => ("GET", "/api/profile"),
            SaveProfile => ("POST", "/api/profile"),
            PauseListing => ("POST", "/api/profile/pause"),
            ResumeListing => ("POST", "/api/profile/resume"),
            RelistMentor => ("POST", "/api/profile/relist"),
            ProposePairings => ("POST", "/api/pairings"),
            AcceptPairing => ("POST", "/api/pairings/{id}/accept"),
            DeclinePairing => ("POST", "/api/pairings/{id}/decline"),
            EditProfilePage | ViewMenteeBackground => return None,
            ViewMentorDirectory | ViewMentorProfile | ViewOwnProfile | ViewMembersPages
            | ViewCommitteeReport | ViewEndReason => return None,
            ViewAuditTrail | ViewLiaisonDuos | ViewPairing | ViewSuggestions => return None,
        })
    }
}

/// THE permission table: does `role` allow `action`?
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    let signed_in = role != Anonymous;
    let runs_program = matches!(role, Committee | Chair | Staff);
    match action {
        // Any signed-in person (eligibility decides the rest). Alumni hold
        // no cohort role once their year is over: whether one was in a duo
        // that completed is the handler's check, against the store.
        Apply | Nominate | AnswerNomination | ViewMe | ViewMembersPages | AlumniOptIn
        | VolunteerAsMentor => signed_in,
        // Only one's own application, only one's own offer: the handler's
        // object rule (mentoring::application, mentoring::waitlist).
        WithdrawApplication | ConfirmOffer => signed_in,
        // One's own profile only (the handler's object rule); pausing needs
        // a published one (the handler's state rule).
        GetProfile | SaveProfile | PauseListing | ResumeListing | EditProfilePage => signed_in,
        // Only one approved in an earlier cohort: the handler's rule.
        RelistMentor => signed_in,
        // The asked mentor (object rule: the request is to them) and the
        // committee that decides on the application; never staff, never
        // other mentees.
        ViewMenteeBackground => matches!(role, Mentor | Committee | Chair),
        // The committee decides on applications; the chair leads it.
        ListApplications | ApproveApplication | DeclineApplication => {
            matches!(role, Committee | Chair)
        }
        RequestMatch | WithdrawMatch => role == Mentee,
        AcceptMatch | DeclineMatch | ViewOwnProfile => role == Mentor,
        ListOwnMatches | EndDuoEarly | AnswerSurvey => {
            matches!(role, Mentee | Mentor)
        }
        ListDuos | ViewSurveyStats | ViewCommitteeReport => runs_program,
        AssignLiaison => role == Chair,
        // Confidential: the committee only, and of it only the chair and
        // the duo's liaison (the object rule of Duo::may_see_end_reason).
        ViewEndReason => matches!(role, Committee | Chair),
        ViewMentorDirectory | ViewMentorProfile => role == Mentee || runs_program,
        // The record of every change, with who did it: the chair, who
        // coordinates the program (confidential: never staff or members).
        ViewAuditTrail => role == Chair,
        // The duos one supports as liaison (the object rule: only one's own).
        ViewLiaisonDuos => matches!(role, Committee | Chair),
        // Pairing at the matching deadline is the chair's.
        ViewPairing | ProposePairings => role == Chair,
        // Only one of the pair (the object rule: the pairing is theirs).
        AcceptPairing | DeclinePairing => matches!(role, Mentee | Mentor),
        // Suggestions are for the mentee choosing a mentor.
        ViewSuggestions => role == Mentee,
    }
}

/// Does any of `roles` allow `action`? (No roles means anonymous.)
pub fn permitted(roles: &[Role], action: Action) -> bool {
    if roles.is_empty() {
        return allows(Role::Anonymous, action);
    }
    roles.iter().any(|r| allows(*r, action))
}

/// The roles program.yaml gives `member_id` (committee, chair, staff), plus
/// `Member`. Add `Mentee` / `Mentor` from the member's applications in the
/// current cohort (accepted / approved).
pub fn program_roles(program: &Program, member_id: &str) -> Vec<Role> {
    let c = &program.committee;
    let mut roles = vec![Role::Member];
    if c.members.iter().any(|m| m == member_id) {
        roles.push(Role::Committee);
    }
    if c.chair.as_deref() == Some(member_id) {
        roles.push(Role::Chair);
    }
    if c.staff.iter().any(|m| m == member_id) {
        roles.push(Role::Staff);
    }
    roles
}

/// Every role of a signed-in member: [`program_roles`], plus `Mentee` when
/// their mentee application in the cohort is accepted and `Mentor` when their
/// mentor application is approved.
pub fn member_roles(
    program: &Program,
    member_id: &str,
    mentee: Option<MenteeStatus>,
    mentor: Option<MentorStatus>,
) -> Vec<Role> {
    let mut roles = program_roles(program, member_id);
    if mentee == Some(MenteeStatus::Accepted) {
        roles.push(Role::Mentee);
    }
    if mentor.is_some_and(MentorStatus::is_listed) {
        roles.push(Role::Mentor);
    }
    roles.sort();
    roles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::program;

    /// The expected matrix, written out. Columns:
    /// Anonymous, Member, Mentee, Mentor, Committee, Chair, Staff.
    const EXPECTED: [(Action, [u8; 7]); 41] = [
        (Action::Apply, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ListApplications, [0, 0, 0, 0, 1, 1, 0]),
        (Action::ApproveApplication, [0, 0, 0, 0, 1, 1, 0]),
        (Action::DeclineApplication, [0, 0, 0, 0, 1, 1, 0]),
        (Action::Nominate, [0, 1, 1, 1, 1, 1, 1]),
        (Action::AnswerNomination, [0, 1, 1, 1, 1, 1, 1]),
        (Action::RequestMatch, [0, 0, 1, 0, 0, 0, 0]),
        (Action::AcceptMatch, [0, 0, 0, 1, 0, 0, 0]),
        (Action::DeclineMatch, [0, 0, 0, 1, 0, 0, 0]),
        (Action::WithdrawMatch, [0, 0, 1, 0, 0, 0, 0]),
        (Action::ListOwnMatches, [0, 0, 1, 1, 0, 0, 0]),
        (Action::ListDuos, [0, 0, 0, 0, 1, 1, 1]),
        (Action::AssignLiaison, [0, 0, 0, 0, 0, 1, 0]),
        (Action::EndDuoEarly, [0, 0, 1, 1, 0, 0, 0]),
        (Action::AnswerSurvey, [0, 0, 1, 1, 0, 0, 0]),
        (Action::ViewSurveyStats, [0, 0, 0, 0, 1, 1, 1]),
        (Action::ViewMe, [0, 1, 1, 1, 1, 1, 1]),
        (Action::AlumniOptIn, [0, 1, 1, 1, 1, 1, 1]),
        (Action::VolunteerAsMentor, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ViewMentorDirectory, [0, 0, 1, 0, 1, 1, 1]),
        (Action::ViewMentorProfile, [0, 0, 1, 0, 1, 1, 1]),
        (Action::ViewOwnProfile, [0, 0, 0, 1, 0, 0, 0]),
        (Action::ViewMembersPages, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ViewCommitteeReport, [0, 0, 0, 0, 1, 1, 1]),
        (Action::WithdrawApplication, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ConfirmOffer, [0, 1, 1, 1, 1, 1, 1]),
        (Action::GetProfile, [0, 1, 1, 1, 1, 1, 1]),
        (Action::SaveProfile, [0, 1, 1, 1, 1, 1, 1]),
        (Action::PauseListing, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ResumeListing, [0, 1, 1, 1, 1, 1, 1]),
        (Action::EditProfilePage, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ViewMenteeBackground, [0, 0, 0, 1, 1, 1, 0]),
        (Action::RelistMentor, [0, 1, 1, 1, 1, 1, 1]),
        (Action::ViewEndReason, [0, 0, 0, 0, 1, 1, 0]),
        (Action::ViewAuditTrail, [0, 0, 0, 0, 0, 1, 0]),
        (Action::ViewLiaisonDuos, [0, 0, 0, 0, 1, 1, 0]),
        (Action::ViewPairing, [0, 0, 0, 0, 0, 1, 0]),
        (Action::ProposePairings, [0, 0, 0, 0, 0, 1, 0]),
        (Action::AcceptPairing, [0, 0, 1, 1, 0, 0, 0]),
        (Action::DeclinePairing, [0, 0, 1, 1, 0, 0, 0]),
        (Action::ViewSuggestions, [0, 0, 1, 0, 0, 0, 0]),
    ];

    #[test]
    fn every_role_and_action_matches_the_matrix() {
        assert_eq!(Role::ALL.len(), 7);
        assert_eq!(
            EXPECTED.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
            Action::ALL.to_vec(),
            "the matrix lists every action once, in order"
        );
        let mut checked = 0;
        for (action, row) in EXPECTED {
            for (i, role) in Role::ALL.into_iter().enumerate() {
                assert_eq!(allows(role, action), row[i] == 1, "{role:?} x {action:?}");
                assert_eq!(permitted(&[role], action), row[i] == 1);
                checked += 1;
            }
        }
        assert_eq!(checked, 7 * Action::ALL.len());
    }

    #[test]
    fn all_lists_are_complete_and_distinct() {
        // A new variant fails to compile in these matches until added to ALL.
        for r in Role::ALL {
            let i = match r {
                Role::Anonymous => 0,
                Role::Member => 1,
                Role::Mentee => 2,
                Role::Mentor => 3,
                Role::Committee => 4,
                Role::Chair => 5,
                Role::Staff => 6,
            };
            assert_eq!(Role::ALL[i], r);
        }
        let mut actions = Action::ALL.to_vec();
        actions.sort();
        actions.dedup();
        assert_eq!(actions.len(), Action::ALL.len());
    }

    #[test]
    fn anonymous_may_do_nothing() {
        for a in Action::ALL {
            assert!(!allows(Role::Anonymous, a), "{a:?}");
            assert!(!permitted(&[], a), "{a:?}");
        }
    }

    #[test]
    fn any_role_permits() {
        let roles = [Role::Member, Role::Committee];
        assert!(permitted(&roles, Action::ListApplications));
        assert!(permitted(&roles, Action::Apply));
        assert!(!permitted(&roles, Action::AssignLiaison));
        assert!(permitted(
            &[Role::Member, Role::Chair],
            Action::AssignLiaison
        ));
        assert!(!permitted(&[Role::Member], Action::ViewMentorDirectory));
    }

    #[test]
    fn routes_are_unique() {
        let routes: Vec<_> = Action::ALL.iter().filter_map(|a| a.route()).collect();
        assert_eq!(routes.len(), 29);
        for (i, r) in routes.iter().enumerate() {
            assert!(!routes[..i].contains(r), "{r:?} twice");
            assert!(r.1.starts_with("/api/"));
        }
        assert_eq!(Action::ViewMembersPages.route(), None);
    }

    #[test]
    fn roles_from_program_yaml() {
        let p = program();
        assert_eq!(program_roles(&p, "nobody"), [Role::Member]);
        assert_eq!(program_roles(&p, "c1"), [Role::Member, Role::Committee]);
        assert_eq!(program_roles(&p, "chair"), [Role::Member, Role::Chair]);
        assert_eq!(program_roles(&p, "staff1"), [Role::Member, Role::Staff]);
    }

    #[test]
    fn roles_from_applications() {
        let p = program();
        assert_eq!(
            member_roles(&p, "x", Some(MenteeStatus::Accepted), None),
            [Role::Member, Role::Mentee]
        );
        assert_eq!(
            member_roles(
                &p,
                "x",
                Some(MenteeStatus::Waitlisted { place: 1 }),
                Some(MentorStatus::Submitted)
            ),
            [Role::Member]
        );
        assert_eq!(
            member_roles(&p, "c1", None, Some(MentorStatus::Approved)),
            [Role::Member, Role::Mentor, Role::Committee]
        );
    }

    #[test]
    fn serde_names() {
        assert_eq!(serde_json::to_value(Role::Committee).unwrap(), "committee");
        assert_eq!(
            serde_json::to_value(Action::ViewMentorDirectory).unwrap(),
            "view_mentor_directory"
        );
    }
}
