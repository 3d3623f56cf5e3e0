//! A member's profile in the store ([`duos_store::records::profile`],
//! re-exported whole), and what the site generator takes of it.

use chrono::NaiveDate;
use generator::{Listing, Published, StoreProfiles};
use mentoring::program::Program;

pub use duos_store::records::profile::*;

use crate::store::{Store, StoreError};

/// A published record as the generator takes it.
pub fn published(record: &ProfileRecord) -> Published {
    Published {
        slug: record.slug.clone(),
        member_id: record.member_id.clone(),
        profile: record.profile.clone(),
    }
}

/// What the store tells the generator on `today`: the published profiles,
/// and the listing of every member who paused or is taken in the
/// directory's cohort.
pub async fn store_profiles(
    store: &dyn Store,
    program: &Program,
    today: NaiveDate,
) -> Result<StoreProfiles, StoreError> {
    let mut out = StoreProfiles::default();
    for record in load_all(store).await? {
        if !record.published {
            continue;
        }
        if record.paused {
            out.listings.insert(
                record.member_id.clone(),
                Listing {
                    paused: true,
                    taken: false,
                },
            );
        }
        out.published.push(published(&record));
    }
    if let Some(cohort) = mentoring::cohort_focus::directory_cohort(program, today) {
        for member in taken_mentors(store, &cohort.id).await? {
            out.listings.entry(member).or_default().taken = true;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_pages_the_generator_takes() {
        assert!(generator::profiles::is_slug(&slug_for("Ünïcödé ✓", "X9")));
        assert!(generator::profiles::is_slug(&slug_for(
            "Ada Example",
            "M2101"
        )));
    }
}
