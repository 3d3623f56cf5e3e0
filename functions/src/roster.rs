//! The association's member roster: CSV import into the store, and the
//! [`MemberDirectory`] sign-in uses.
//!
//! # CSV
//! A header row naming (in any order, case-insensitively) `member_id`,
//! `name`, `email`, `joined` (YYYY-MM-DD), `category` and `good_standing`
//! (`true`/`false`/`yes`/`no`); other columns are ignored. Every bad row is
//! reported with its line number and field; when any row is bad, nothing of
//! the import is written.
//!
//! # Items
//! | pk | sk | what |
//! |---|---|---|
//! | `MEMBER#<id>` | `ROSTER` | the member (`kind: member` + [`Member`]'s fields; gsi1 `ROSTER` / `MEMBER#<id>`: the whole roster is one index partition) |
//! | `EMAIL#<lower-case e-mail>` | `EMAIL` | `member_id`: sign-in by e-mail |
//! | `OIDCSUB#<issuer>#<sub>` | `OIDCSUB` | `member_id`: a provider account linked at its first sign-in |
//! | `AUTHSTATE#<sha256(state)>` | `AUTHSTATE` | a used sign-in state (`ttl`: epoch seconds after which it may go) |
//!
//! Re-importing the same file writes nothing; a changed row rewrites that
//! member (and moves their e-mail item); a stored member missing from the
//! file is kept but marked `good_standing: false` (the file is the whole
//! roster: whoever left the association can no longer sign in, while their
//! duos, applications and answers keep naming them).

use async_trait::async_trait;
use chrono::NaiveDate;
use mentoring::roster::Member;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

mod parse;

use parse::err;
pub use parse::{parse_roster, RosterErrors, RosterRow, RowError};

use crate::auth::{DirectoryError, MemberDirectory, SignInMember};
use crate::store::{Condition, Item, Key, Query, Store, StoreError, TransactOp};

/// Sort key of a roster member's item.
pub const MEMBER_SK: &str = "ROSTER";
/// The `gsi1` partition holding every roster member (sort key `MEMBER#<id>`).
pub const ROSTER_GSI: &str = "ROSTER";
/// The columns a roster CSV must have.
pub const COLUMNS: [&str; 6] = [
    "member_id",
    "name",
    "email",
    "joined",
    "category",
    "good_standing",
];

/// The key of a member's roster item: `MEMBER#<id> / ROSTER`.
pub fn member_key(member_id: &str) -> Key {
    Key::new(format!("MEMBER#{member_id}"), MEMBER_SK)
}

/// The key of the e-mail lookup item: `EMAIL#<lower-case e-mail> / EMAIL`.
pub fn email_key(email: &str) -> Key {
    Key::new(format!("EMAIL#{}", email.trim().to_lowercase()), "EMAIL")
}

fn subject_key(issuer: &str, subject: &str) -> Key {
    Key::new(format!("OIDCSUB#{issuer}#{subject}"), "OIDCSUB")
}

fn state_key(state: &str) -> Key {
    let digest = ring::digest::digest(&ring::digest::SHA256, state.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Key::new(format!("AUTHSTATE#{hex}"), "AUTHSTATE")
}

// ---------------------------------------------------------------------------
// Storing.

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Stored members in good standing whom the file left out: now marked
    /// not in good standing (by id, in id order).
    pub lapsed: Vec<String>,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} unchanged",
            self.added, self.updated, self.unchanged
        )?;
        if !self.lapsed.is_empty() {
            write!(
                f,
                ", {} not in the file and no longer in good standing ({})",
                self.lapsed.len(),
                self.lapsed.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Why an import wrote nothing (or stopped).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; nothing was written.
    #[error("{0}")]
    Invalid(RosterErrors),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// The roster item of `m`.
pub fn member_item(m: &Member) -> Item {
    let key = member_key(&m.member_id);
    Item::new(&key)
        .with("kind", "member")
        .with("member_id", m.member_id.as_str())
        .with("name", m.name.as_str())
        .with("email", m.email.as_str())
        .with("joined", m.joined.format("%Y-%m-%d").to_string())
        .with("category", m.category.as_str())
        .with("good_standing", m.good_standing)
        .with_gsi1(ROSTER_GSI, key.pk.clone())
}

/// The member stored in a roster item.
pub fn member_from_item(item: &Item) -> Option<Member> {
    Some(Member {
        member_id: item.get_str("member_id")?.to_string(),
        name: item.get_str("name")?.to_string(),
        email: item.get_str("email")?.to_string(),
        joined: NaiveDate::parse_from_str(item.get_str("joined")?, "%Y-%m-%d").ok()?,
        category: item.get_str("category")?.to_string(),
        good_standing: item.get_bool("good_standing")?,
    })
}

/// Reads one member from the store.
pub async fn load_member(store: &dyn Store, member_id: &str) -> Result<Option<Member>, StoreError> {
    Ok(store
        .get(&member_key(member_id))
        .await?
        .as_ref()
        .and_then(member_from_item))
}

/// Every member of the stored roster, in id order (one query of the
/// `gsi1` partition [`ROSTER_GSI`]).
pub async fn list_members(store: &dyn Store) -> Result<Vec<Member>, StoreError> {
    let items = store
        .query(&Query::gsi1(ROSTER_GSI).prefix("MEMBER#"))
        .await?;
    Ok(items
        .iter()
        .filter(|i| i.sk() == MEMBER_SK)
        .filter_map(member_from_item)
        .collect())
}

/// Validates `csv_text` and, only when every row is good, stores it: new
/// members added, changed ones updated, unchanged ones not written, stored
/// members the file leaves out marked not in good standing (never deleted).
pub async fn import_roster(
    store: &dyn Store,
    csv_text: &[u8],
    categories: Option<&[String]>,
) -> Result<ImportSummary, ImportError> {
    let rows = parse_roster(csv_text, categories).map_err(ImportError::Invalid)?;

    // Read phase: what is stored now, and whether every new e-mail is free.
    let mut plan: Vec<(Member, Option<Member>, bool)> = Vec::with_capacity(rows.len());
    let importing: BTreeMap<&str, &Member> = rows
        .iter()
        .map(|r| (r.member.member_id.as_str(), &r.member))
        .collect();
    let mut errors = Vec::new();
    for row in &rows {
        let stored = store.get(&member_key(&row.member.member_id)).await?;
        // Written before the roster had its index partition: rewrite it.
        let old_layout = stored.as_ref().is_some_and(|i| {
            i.gsi1() != Some((ROSTER_GSI, member_key(&row.member.member_id).pk.as_str()))
        });
        let old = stored.as_ref().and_then(member_from_item);
        let email_changed = old
            .as_ref()
            .is_none_or(|o| !o.email.eq_ignore_ascii_case(&row.member.email));
        if email_changed {
            if let Some(owner) = store
                .get(&email_key(&row.member.email))
                .await?
                .and_then(|i| i.get_str("member_id").map(String::from))
            {
                // Taken by someone else, who does not give it up in this file.
                let released = importing
                    .get(owner.as_str())
                    .is_some_and(|m| !m.email.eq_ignore_ascii_case(&row.member.email));
                if owner != row.member.member_id && !released {
                    errors.push(err(
                        Some(row.line),
                        Some("email"),
                        format!(
                            "{:?} already belongs to member {owner:?} in the store",
                            row.member.email
                        ),
                    ));
                }
            }
        }
        plan.push((row.member.clone(), old, old_layout));
    }
    if !errors.is_empty() {
        return Err(ImportError::Invalid(RosterErrors(errors)));
    }
    let lapsing: Vec<Member> = list_members(store)
        .await?
        .into_iter()
        .filter(|m| m.good_standing && !importing.contains_key(m.member_id.as_str()))
        .collect();

    // Write phase: first release e-mails that change hands, then write.
    let mut summary = ImportSummary::default();
    for (new, old, _) in &plan {
        if let Some(old) = old {
            if !old.email.eq_ignore_ascii_case(&new.email) {
                store
                    .delete(
                        &email_key(&old.email),
                        Some(Condition::eq("member_id", new.member_id.as_str())),
                    )
                    .await
                    .or_else(ignore_condition)?;
            }
        }
    }
    for (new, old, old_layout) in plan {
        match &old {
            Some(o) if *o == new && !old_layout => {
                summary.unchanged += 1;
                continue;
            }
            Some(o) if *o == new => {
                summary.unchanged += 1;
                store.put(member_item(&new), None).await?;
                continue;
            }
            Some(_) => summary.updated += 1,
            None => summary.added += 1,
        }
        let email_item = Item::new(&email_key(&new.email))
            .with("kind", "member_email")
            .with("member_id", new.member_id.as_str());
        let ops = vec![
            TransactOp::put(member_item(&new)),
            TransactOp::put_if(
                email_item,
                Condition::not_exists().or(Condition::eq("member_id", new.member_id.as_str())),
            ),
        ];
        store.transact(ops).await?;
    }
    for mut member in lapsing {
        let id = member.member_id.clone();
        member.good_standing = false;
        // Only if nobody changed the member since it was listed.
        let unchanged =
            Condition::eq("good_standing", true).and(Condition::eq("email", member.email.as_str()));
        match store.put(member_item(&member), Some(unchanged)).await {
            Ok(()) => summary.lapsed.push(id),
            Err(e) if e.is_condition_failed() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(summary)
}

fn ignore_condition(e: StoreError) -> Result<Option<Item>, StoreError> {
    if e.is_condition_failed() {
        Ok(None)
    } else {
        Err(e)
    }
}

// ---------------------------------------------------------------------------
// The directory sign-in uses.

/// [`MemberDirectory`] over the store's roster items.
#[derive(Clone)]
pub struct StoreDirectory {
    store: Arc<dyn Store>,
}

impl fmt::Debug for StoreDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreDirectory").finish_non_exhaustive()
    }
}

impl StoreDirectory {
    pub fn new(store: Arc<dyn Store>) -> StoreDirectory {
        StoreDirectory { store }
    }
}

fn sign_in_member(m: Member) -> SignInMember {
    SignInMember {
        member_id: m.member_id,
        name: m.name,
        email: m.email,
        good_standing: m.good_standing,
    }
}

fn dir_err(e: StoreError) -> DirectoryError {
    DirectoryError(e.to_string())
}

#[async_trait]
impl MemberDirectory for StoreDirectory {
    async fn by_id(&self, member_id: &str) -> Result<Option<SignInMember>, DirectoryError> {
        Ok(load_member(self.store.as_ref(), member_id)
            .await
            .map_err(dir_err)?
            .map(sign_in_member))
    }

    async fn by_email(&self, email: &str) -> Result<Option<SignInMember>, DirectoryError> {
        let Some(id) = self
            .store
            .get(&email_key(email))
            .await
            .map_err(dir_err)?
            .and_then(|i| i.get_str("member_id").map(String::from))
        else {
            return Ok(None);
        };
        let member = self.by_id(&id).await?;
        // The lookup item could be stale; trust only the member's own record.
        Ok(member.filter(|m| m.email.eq_ignore_ascii_case(email.trim())))
    }

    async fn by_subject(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<SignInMember>, DirectoryError> {
        let Some(id) = self
            .store
            .get(&subject_key(issuer, subject))
            .await
            .map_err(dir_err)?
            .and_then(|i| i.get_str("member_id").map(String::from))
        else {
            return Ok(None);
        };
        self.by_id(&id).await
    }

    async fn link_subject(
        &self,
        issuer: &str,
        subject: &str,
        member_id: &str,
    ) -> Result<(), DirectoryError> {
        let item = Item::new(&subject_key(issuer, subject))
            .with("kind", "oidc_subject")
            .with("issuer", issuer)
            .with("subject", subject)
            .with("member_id", member_id);
        self.store.put(item, None).await.map_err(dir_err)
    }

    async fn consume_state(
        &self,
        state: &str,
        expires_at: SystemTime,
    ) -> Result<bool, DirectoryError> {
        let ttl = expires_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let item = Item::new(&state_key(state))
            .with("kind", "auth_state")
            .with(crate::store::TTL_ATTRIBUTE, ttl);
        match self.store.put(item, Some(Condition::not_exists())).await {
            Ok(()) => Ok(true),
            Err(e) if e.is_condition_failed() => Ok(false),
            Err(e) => Err(dir_err(e)),
        }
    }

    async fn revoke_session(&self, family: &str, until: SystemTime) -> Result<(), DirectoryError> {
        let ttl = until
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let item = Item::new(&crate::records::keys::signed_out(family))
            .with("kind", "signed_out")
            .with(crate::store::TTL_ATTRIBUTE, ttl);
        self.store.put(item, None).await.map_err(dir_err)
    }

    async fn is_revoked(&self, family: &str) -> Result<bool, DirectoryError> {
        Ok(self
            .store
            .get(&crate::records::keys::signed_out(family))
            .await
            .map_err(dir_err)?
            .is_some())
    }
}
