//! A member's profile in the store: `MEMBER#<id> / PROFILE`, gsi1
//! `PROFILES / MEMBER#<id>` (every profile is one index partition, read
//! whole when the site is published).
//!
//! Written with the mentor application (the application *is* the
//! [`Profile`] plus the application questions) and by `POST /api/profile`.
//! Publishing state:
//! - `published`: the committee approved a mentor application of the
//!   member (in any cohort); from then on the profile is in the directory
//!   and every edit of the mentor's is published at once (and audited);
//! - `paused`: the mentor is not taking a mentee this cohort (left out of
//!   the directory and the expertise pages, no "Ask" link);
//! - "taken" is not stored here: it is the mentor's lock
//!   (`COHORT#<c> / MENTOR#<id>`) in the directory's cohort
//!   ([`mentoring::cohort_focus::directory_cohort`]).
//!
//! What the site generator takes of these records (`store_profiles`, the
//! `generator::Published` of a record) is built in `functions::records::profile`,
//! so that the store does not depend on the generator.

use chrono::{DateTime, Utc};
use mentoring::Profile;
use serde::{Deserialize, Serialize};

use super::keys;
use crate::store::{Condition, Item, Query, Store, StoreError};

/// The stored profile of one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRecord {
    /// The roster member.
    pub member_id: String,
    /// URL slug of the profile page (`/members/mentors/<slug>/`), fixed when
    /// the record is first written.
    pub slug: String,
    /// The profile.
    pub profile: Profile,
    /// Listed in the directory (the committee approved the member as a mentor).
    #[serde(default)]
    pub published: bool,
    /// The mentor paused their listing.
    #[serde(default)]
    pub paused: bool,
    /// Last written.
    pub updated_at: DateTime<Utc>,
    /// Counts the writes: every write is conditional on the version it
    /// read (an edit never undoes an approval that came in meanwhile).
    #[serde(default)]
    pub version: i64,
}

impl ProfileRecord {
    /// A new, unpublished record.
    pub fn new(member_id: &str, profile: Profile, now: DateTime<Utc>) -> ProfileRecord {
        ProfileRecord {
            member_id: member_id.to_owned(),
            slug: slug_for(&profile.name, member_id),
            profile,
            published: false,
            paused: false,
            updated_at: now,
            version: 0,
        }
    }
}

/// The slug of a new profile: the name's letters and digits, dashed, then
/// the member id (`ada-example-m2101`), so that two members of one name,
/// and a curated YAML file of that name, never share a page.
pub fn slug_for(name: &str, member_id: &str) -> String {
    let mut out = String::new();
    for part in [name, member_id] {
        for c in part.chars() {
            let c = match c {
                'à'..='å' | 'À'..='Å' => 'a',
                'è'..='ë' | 'È'..='Ë' => 'e',
                'ì'..='ï' | 'Ì'..='Ï' => 'i',
                'ò'..='ö' | 'Ò'..='Ö' => 'o',
                'ù'..='ü' | 'Ù'..='Ü' => 'u',
                'ç' | 'Ç' => 'c',
                'ñ' | 'Ñ' => 'n',
                c => c,
            };
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-')
        .chars()
        .take(80)
        .collect::<String>()
}

/// The condition of writing `next` over what was read: the record did not
/// exist (`version` 0... and absent), or still has the version read.
pub fn unchanged_since(read: Option<&ProfileRecord>) -> Condition {
    match read {
        None => Condition::not_exists(),
        Some(r) => Condition::eq("version", r.version),
    }
}

/// The next state of a record read as `read` (or new) holding `profile`:
/// slug and publishing state kept, version counted up.
pub fn next(
    read: Option<&ProfileRecord>,
    member_id: &str,
    profile: Profile,
    now: DateTime<Utc>,
) -> ProfileRecord {
    match read {
        None => ProfileRecord::new(member_id, profile, now),
        Some(r) => ProfileRecord {
            profile,
            updated_at: now,
            version: r.version + 1,
            ..r.clone()
        },
    }
}

/// The item of a profile record.
pub fn item(record: &ProfileRecord) -> Item {
    super::record_item(&keys::profile(&record.member_id), "profile", None, record)
        .with_gsi1(keys::PROFILES_GSI, keys::member_gsi(&record.member_id))
}

/// The member's profile record, if any.
pub async fn load(store: &dyn Store, member_id: &str) -> Result<Option<ProfileRecord>, StoreError> {
    super::get(store, &keys::profile(member_id)).await
}

/// Every profile record.
pub async fn load_all(store: &dyn Store) -> Result<Vec<ProfileRecord>, StoreError> {
    let items = store
        .query(&Query::gsi1(keys::PROFILES_GSI).prefix("MEMBER#"))
        .await?;
    items.iter().map(super::read).collect()
}

/// The member ids holding a mentor lock (a mentee) in `cohort`.
pub async fn taken_mentors(store: &dyn Store, cohort: &str) -> Result<Vec<String>, StoreError> {
    let prefix = "MENTOR#";
    let items = store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(prefix))
        .await?;
    Ok(items
        .iter()
        .filter_map(|i| i.sk().strip_prefix(prefix).map(str::to_owned))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_the_name_then_the_member() {
        assert_eq!(slug_for("Ada Example", "M2101"), "ada-example-m2101");
        assert_eq!(
            slug_for("  Zoë  O'Brien-Smith ", "M1"),
            "zoe-o-brien-smith-m1"
        );
        assert_eq!(slug_for("", "M1"), "m1");
    }
}
