//! `/members/duo/`: your duo in the cohort you take part in, its liaison,
//! ending it early while it runs; your earlier duos.

use mentoring::cohort_focus;
use mentoring::permissions::Action;
use serde::Serialize;

use super::cards::DuoCard;
use super::cohorts::other_duos;
use super::load::load_duos;
use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;

/// The page.
pub(super) const PATH: &str = "/members/duo/";

#[derive(Serialize)]
struct DuoPage<'a> {
    duos: Vec<MyDuo<'a>>,
    other_duos: Vec<DuoCard<'a>>,
}

#[derive(Serialize)]
struct MyDuo<'a> {
    #[serde(flatten)]
    duo: DuoCard<'a>,
    /// Either of the pair may end it early while it runs.
    may_end: bool,
}

pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
) -> Result<Page, ViewError> {
    let program = &app.config.program;
    let taking_part = viewer.taking_part();
    let focus = cohort_focus::duo_cohort(program, viewer.today, &taking_part);
    let focus_duos = match focus {
        Some(c) => load_duos(app, &c.id).await?,
        None => Vec::new(),
    };
    let mut duos = Vec::new();
    if let Some(c) = focus {
        for d in focus_duos.iter().filter(|d| d.has_party(&viewer.member_id)) {
            duos.push(MyDuo {
                duo: DuoCard::of(app, c, d, viewer.today).await,
                may_end: viewer.may(Action::EndDuoEarly) && d.is_running(c, viewer.today),
            });
        }
    }
    let others = other_duos(app, &viewer.member_id, focus).await?;
    let mut other_cards = Vec::new();
    for (c, d) in &others {
        other_cards.push(DuoCard::of(app, c, d, viewer.today).await);
    }
    let data = DuoPage {
        duos,
        other_duos: other_cards,
    };
    render_with("duo.html", ctx, &data, "Your duo")
}
