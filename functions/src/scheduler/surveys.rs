//! The scheduler's survey jobs: invitations when a survey opens and reminders
//! before it closes, each mail sent once (a marker per member and survey).

use super::*;

impl Run<'_> {
    /// Invitations and reminders of one survey in one cohort.
    pub(super) async fn survey(&mut self, cohort: &Cohort, survey: &Survey, duos: &[Duo]) {
        if !cohort.survey_open(survey, self.today) {
            return;
        }
        let (opens, closes) = cohort.survey_window(survey);
        let remind =
            self.today > opens && self.today >= closes - Duration::days(SURVEY_REMINDER_DAYS);
        // Who is invited: mentoring's one definition, which the response
        // rates count by too.
        let audience = mentoring::invitation::invited(survey, cohort, duos);
        for mentoring::invitation::Invitee { member_id, .. } in audience {
            self.invite(cohort, survey, &member_id, closes).await;
            if remind {
                self.remind(cohort, survey, &member_id, closes).await;
            }
        }
    }

    pub(super) async fn invite(
        &mut self,
        cohort: &Cohort,
        survey: &Survey,
        member_id: &str,
        closes: NaiveDate,
    ) {
        let marker = marker_key(
            &cohort.id,
            format!("SURVEY_INVITE#{}#{member_id}", survey.id),
        );
        match self.app.store.get(&marker).await {
            Ok(Some(_)) => return,
            Ok(None) => {}
            Err(e) => {
                self.error(format!("reading marker {marker}: {e}"));
                return;
            }
        }
        let Some(member) = self.member(member_id).await else {
            return;
        };
        let anonymous = if survey.anonymous {
            "Your answers are anonymous: they are not stored with your name.\n\n"
        } else {
            ""
        };
        let mail = Mail {
            to: member.email.clone(),
            subject: format!("{}: {}", self.program_name(), survey.title),
            text: format!(
                "Dear {},\n\nThe {} of the {} cohort is open until {}. It takes about ten minutes:\n\
                 {}/members/surveys/{}/\n\n{}Thank you for helping the committee support every duo.\n\n-- {}\n",
                member.name,
                survey.title.to_lowercase(),
                cohort.name,
                closes,
                self.site(),
                survey.id,
                anonymous,
                self.program_name()
            ),
        };
        if self.send_once(marker, &member, mail).await {
            self.report.survey_invitations += 1;
        }
    }

    pub(super) async fn remind(
        &mut self,
        cohort: &Cohort,
        survey: &Survey,
        member_id: &str,
        closes: NaiveDate,
    ) {
        let invited = marker_key(
            &cohort.id,
            format!("SURVEY_INVITE#{}#{member_id}", survey.id),
        );
        match self.app.store.get(&invited).await {
            // Only people invited on an earlier day are reminded.
            Ok(Some(item))
                if item
                    .get_str("on")
                    .is_some_and(|on| on < self.today.to_string().as_str()) => {}
            Ok(_) => return,
            Err(e) => {
                self.error(format!("reading marker {invited}: {e}"));
                return;
            }
        }
        let hmac = dedupe_key(
            &self.app.config.survey_secret,
            member_id,
            &cohort.id,
            &survey.id,
        );
        match self
            .app
            .store
            .get(&keys::survey_done(&cohort.id, &survey.id, &hmac))
            .await
        {
            Ok(Some(_)) => return, // answered
            Ok(None) => {}
            Err(e) => {
                self.error(format!(
                    "checking whether {member_id} answered {}: {e}",
                    survey.id
                ));
                return;
            }
        }
        let Some(member) = self.member(member_id).await else {
            return;
        };
        let mail = Mail {
            to: member.email.clone(),
            subject: format!("{}: reminder - {} closes on {closes}", self.program_name(), survey.title),
            text: format!(
                "Dear {},\n\nThe {} closes on {closes}. If you have a few minutes, please answer it:\n\
                 {}/members/surveys/{}/\n\nIf you have answered it already, thank you, and please ignore this message.\n\n-- {}\n",
                member.name,
                survey.title.to_lowercase(),
                self.site(),
                survey.id,
                self.program_name()
            ),
        };
        let marker = marker_key(
            &cohort.id,
            format!("SURVEY_REMINDER#{}#{member_id}", survey.id),
        );
        if self.send_once(marker, &member, mail).await {
            self.report.survey_reminders += 1;
        }
    }
}
